import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exitCodes } from "../../src/apps/cli/exit-codes.js";
import { hasSandbox } from "../../src/sandbox/sandbox-test-support.js";
import { type ModelServer, startModelServer } from "../support/model-server.js";
import { runCli } from "../support/run-cli.js";
import {
  childEnvironment,
  connectHttp,
  type HttpChild,
  imagesOf,
  rawPixels,
  regionPixels,
  startHttpChild,
  textOf,
  writePatternImage,
} from "./mcp-test-support.js";

/** `loupe mcp --http` on a loopback port, driven by the official SDK's streamable HTTP client. */
describe("loupe mcp --http", () => {
  let server: HttpChild;
  let model: ModelServer;
  let pattern: string;
  const clients: Client[] = [];
  const connect = async () => {
    const { client } = await connectHttp(server.url);
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    pattern = await writePatternImage();
    model = await startModelServer([{ content: "A gradient." }]);
    server = await startHttpChild(["--base-url", model.baseUrl, "--model", "test-model"]);
  }, 60_000);
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.close().catch(() => {})));
    await server?.stop();
    await model?.close();
  });

  it("binds loopback by default and serves the tools at /mcp", async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
    const client = await connect();
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name)).toEqual(expect.arrayContaining(["crop", "python", "ask"]));
  });

  it("crops a crop across calls of one session", async () => {
    const client = await connect();
    const first = await client.callTool({
      name: "crop",
      arguments: { image: pattern, box: [40, 30, 200, 150], scale: 1 },
    });
    expect(textOf(first)).toContain("-> image_2, 160x120");
    const second = await client.callTool({
      name: "crop",
      arguments: { image: "image_2", box: [10, 10, 90, 70], scale: 1 },
    });
    expect(second.isError, textOf(second)).toBeFalsy();
    const [image] = imagesOf(second);
    expect(await rawPixels(Buffer.from(image?.data ?? "", "base64"))).toEqual(
      await regionPixels(pattern, 50, 40, 80, 60),
    );
  });

  it("keeps two sessions' images and Python variables apart", async () => {
    const alice = await connect();
    const bob = await connect();
    const made = await alice.callTool({
      name: "crop",
      arguments: { image: pattern, box: [0, 0, 100, 100], scale: 1 },
    });
    expect(textOf(made)).toContain("-> image_2");
    const missing = await bob.callTool({
      name: "crop",
      arguments: { image: "image_2", box: [0, 0, 50, 50] },
    });
    expect(missing.isError).toBe(true);
    expect(textOf(missing)).toContain("known: none yet");
    // Bob's own first image is his image_1, whatever Alice holds.
    const own = await bob.callTool({ name: "flip", arguments: { image: pattern, axis: "vertical" } });
    expect(textOf(own)).toContain("image_1");
    expect(textOf(own)).toContain("image_2");
    if (!hasSandbox) return;
    await alice.callTool({ name: "python", arguments: { code: "secret = 'alice'" } });
    const peek = await bob.callTool({ name: "python", arguments: { code: "secret" } });
    expect(textOf(peek)).toContain("NameError");
  }, 60_000);

  it("ask answers through the configured model", async () => {
    const client = await connect();
    const result = await client.callTool({
      name: "ask",
      arguments: { question: "What is it?", images: [pattern] },
    });
    expect(result.isError, textOf(result)).toBeFalsy();
    expect(textOf(result)).toContain("A gradient.");
    expect(textOf(result)).toMatch(/1 step, 0 tool calls; stopped: answer/);
  });

  it("a bad argument is a tool result with isError naming the field", async () => {
    const client = await connect();
    const result = await client.callTool({ name: "resize", arguments: { image: pattern, scale: "big" } });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/\bscale\b/);
  });

  it("answers a request for a session that ended with 404, and one without a session with 400", async () => {
    const { client, transport } = await connectHttp(server.url);
    const id = transport.sessionId;
    // The SDK's session ids are UUIDs.
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    await transport.terminateSession();
    await client.close();
    const stale = await fetch(server.url, {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        Accept: "application/json, text/event-stream",
        "Mcp-Session-Id": id ?? "",
      },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
    });
    expect(stale.status).toBe(404);
    const none = await fetch(server.url, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json, text/event-stream" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
    });
    expect(none.status).toBe(400);
  });
});

describe("loupe mcp --http with API keys", () => {
  it("refuses a non-loopback address without an API key, before it binds", async () => {
    const result = await runCli(
      ["mcp", "--http", "--host", "0.0.0.0", "--base-url", "http://127.0.0.1:9/v1", "--model", "m"],
      {
        env: { LOUPE_HOME: (await childEnvironment()).LOUPE_HOME ?? "" },
        timeoutMs: 30_000,
      },
    );
    expect(result.code).toBe(exitCodes.config);
    expect(result.stderr).toContain("Refusing to listen on 0.0.0.0 without an API key");
  }, 40_000);

  it("asks every request for a configured key, on loopback too", async () => {
    const server = await startHttpChild(
      ["--base-url", "http://127.0.0.1:9/v1", "--model", "m"],
      await childEnvironment({ LOUPE_API_KEYS: "key-one, key-two" }),
    );
    try {
      await expect(connectHttp(server.url)).rejects.toThrow(/401|API key/);
      await expect(connectHttp(server.url, { Authorization: "Bearer wrong" })).rejects.toThrow(/401|API key/);
      const { client } = await connectHttp(server.url, { Authorization: "Bearer key-two" });
      expect((await client.listTools()).tools.length).toBeGreaterThan(5);
      await client.close();
    } finally {
      await server.stop();
    }
  }, 60_000);
});
