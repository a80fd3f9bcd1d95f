import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { type ModelServer, startModelServer } from "../../test/support/model-server.js";
import { discoverLocalModel, noModelConfiguredMessage } from "./discover-local-model.js";

let server: ModelServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function closedBaseUrl(): Promise<string> {
  const closed = await startModelServer([]);
  await closed.close();
  return closed.baseUrl;
}

describe("discoverLocalModel", () => {
  it("skips a closed port and picks the first model of the next server", async () => {
    server = await startModelServer([]);
    const found = await discoverLocalModel({
      candidates: [
        { name: "ollama", baseUrl: await closedBaseUrl() },
        { name: "vllm", baseUrl: server.baseUrl },
      ],
    });
    expect(found).toEqual({ server: "vllm", baseUrl: server.baseUrl, model: "test-model" });
  });

  it("returns undefined when nothing answers: closed port, wrong path, a server that never replies", async () => {
    const listing = await startModelServer([]);
    const silent = createServer(() => {
      // Accept and never answer: discovery must not wait for it.
    });
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const silentPort = (silent.address() as AddressInfo).port;
    try {
      expect(
        await discoverLocalModel({
          timeoutMs: 200,
          candidates: [
            { name: "closed", baseUrl: await closedBaseUrl() },
            // A base URL whose /models route 404s is not a model server.
            { name: "wrong", baseUrl: listing.baseUrl.replace(/\/v1$/, "/nothing") },
            { name: "silent", baseUrl: `http://127.0.0.1:${silentPort}/v1` },
          ],
        }),
      ).toBeUndefined();
    } finally {
      await listing.close();
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});

describe("noModelConfiguredMessage", () => {
  it("shows how to point Loupe at vLLM, Ollama and a hosted API", () => {
    const message = noModelConfiguredMessage();
    for (const expected of [
      "vllm serve Qwen/Qwen2.5-VL-7B-Instruct",
      "--base-url http://127.0.0.1:8000/v1",
      "ollama pull qwen2.5vl",
      "LOUPE_BASE_URL",
      "OPENAI_BASE_URL",
      "LOUPE_API_KEY",
      "LOUPE_MODEL",
      "loupe.config.json",
    ]) {
      expect(message).toContain(expected);
    }
  });
});
