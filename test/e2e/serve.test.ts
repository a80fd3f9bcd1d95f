import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type ModelServer, startModelServer } from "../support/model-server.js";
import { spawnCli } from "../support/run-cli.js";

/** `loupe serve` as a user starts it: a child process on a loopback port, called over HTTP, stopped by SIGTERM. */

let model: ModelServer;

beforeAll(async () => {
  model = await startModelServer(() => ({
    content: "Served by Loupe.",
    usage: { prompt_tokens: 9, completion_tokens: 3 },
  }));
});

afterAll(() => model.close());

it("serves chat completions from a child process and stops cleanly on SIGTERM", async () => {
  const child = spawnCli(
    ["serve", "--port", "0", "--base-url", model.baseUrl, "--model", "test-model", "--tools", "crop"],
    { LOUPE_HOME: mkdtempSync(join(tmpdir(), "loupe-serve-e2e-")), LOUPE_API_KEYS: "e2e-key" },
  );
  let stderr = "";
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no "listening" line in time; stderr: ${stderr}`)),
      30_000,
    );
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
      const found = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stderr);
      if (found) {
        clearTimeout(timer);
        resolve(found[1] as string);
      }
    });
    child.on("exit", () => reject(new Error(`loupe serve exited early: ${stderr}`)));
  });
  const response = await fetch(`${url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: "Bearer e2e-key" },
    body: JSON.stringify({ model: "test-model", messages: [{ role: "user", content: "Who answers?" }] }),
  });
  const body = (await response.json()) as {
    choices: { message: { content: string } }[];
    usage: { total_tokens: number };
  };
  expect(response.status).toBe(200);
  expect(body.choices[0]?.message.content).toBe("Served by Loupe.");
  expect(body.usage.total_tokens).toBe(12);
  expect((await fetch(`${url}/v1/models`)).status).toBe(401);
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  child.kill("SIGTERM");
  expect(await exited).toBe(0);
}, 60_000);
