import { mkdtemp, readdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect } from "vitest";
import { exitCodes } from "../../src/apps/cli/exit-codes.js";
import { testImage } from "../agent/agent-harness.js";
import { type ModelScript, type ScriptedReply, startModelServer } from "../support/model-server.js";
import { runCli, spawnCli } from "../support/run-cli.js";
import { hostileCase } from "./hostile-case.js";

/**
 * Hostile and broken replies from the model server, end to end: the real CLI against the scripted
 * server. Each case checks how the run ends (exit code, the line on stderr), that the trajectory is
 * on disk, and that it stays inside its time (and, for the endless reply, memory) bound.
 */

const servers: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function serve(script: ModelScript | ScriptedReply[]) {
  const server = await startModelServer(script);
  servers.push(server);
  return server;
}

/** A run folder with a quadrants image and a config file pointing at the server. */
async function runFolder(baseUrl: string, model: Record<string, unknown> = {}) {
  const dir = await mkdtemp(join(tmpdir(), "loupe-hostile-replies-"));
  const image = join(dir, "quadrants.jpg");
  await writeFile(image, (await testImage()).bytes);
  const config = join(dir, "loupe.config.json");
  await writeFile(
    config,
    JSON.stringify({ model: { baseUrl, name: "test-model", maxRetries: 1, ...model } }),
  );
  const out = join(dir, "run");
  const args = (...extra: string[]) => [
    "ask",
    "--config",
    config,
    "-i",
    image,
    "--out",
    out,
    ...extra,
    "Colour?",
  ];
  return { dir, out, args };
}

// biome-ignore lint/suspicious/noExplicitAny: the trajectory is read field by field.
async function trajectoryIn(out: string): Promise<any> {
  return JSON.parse(await readFile(join(out, "trajectory.json"), "utf8"));
}

/** The loupe: line that says why a run ended without an answer. */
function reasonLine(stderr: string): string {
  return stderr.split("\n").find((line) => line.startsWith("loupe: ")) ?? "";
}

const completion = (choices: unknown[]) =>
  JSON.stringify({ id: "chatcmpl-x", object: "chat.completion", created: 0, model: "test-model", choices });
const chunkEvent = (choices: unknown[]) =>
  `data: ${JSON.stringify({ id: "c", object: "chat.completion.chunk", created: 0, model: "m", choices })}\n\n`;
const signInPage =
  "<!doctype html><html><head><title>Sign in · Corporate Gateway</title></head><body><form>…</form></body></html>";

describe("model server replies that are not chat completions", () => {
  const cases: [string, ScriptedReply, string, RegExp][] = [
    ["a completion with empty choices", { raw: completion([]) }, "--no-stream", /no choices/],
    [
      "an HTML page with status 200",
      { raw: signInPage, contentType: "text/html" },
      "--no-stream",
      /answered 200 with an HTML page, not a chat completion: Sign in · Corporate Gateway/,
    ],
    [
      "a malformed message",
      { raw: completion([{ index: 0, message: "Red.", finish_reason: "stop" }]) },
      "--no-stream",
      /choices\[0\]\.message is missing or not an object/,
    ],
    [
      "an event stream with no choices at all",
      { sse: [chunkEvent([]), chunkEvent([]), "data: [DONE]\n\n"] },
      "--stream",
      /2 events carried no choices/,
    ],
    [
      "an event stream of garbage lines",
      { sse: ['data: {"choices": [{"delta": {"content": "Re"}}]}\n\n', "data: %%%garbage%%%\n\n"] },
      "--stream",
      /event that is not JSON: %%%garbage%%%/,
    ],
    [
      "an event stream cut before [DONE]",
      { sse: [chunkEvent([{ index: 0, delta: { content: "Re" } }])] },
      "--stream",
      /ended before the reply finished/,
    ],
  ];
  for (const [name, reply, mode, message] of cases) {
    hostileCase(`${name}: retried, then a model failure (exit 4) naming it`, 10_000, async () => {
      const server = await serve([reply, reply, { content: "never asked" }]);
      const { out, args } = await runFolder(server.baseUrl);
      const started = Date.now();
      const result = await runCli(mode === "--no-stream" ? args("--no-stream") : args(), {
        timeoutMs: 15_000,
      });
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(result.code, result.stderr).toBe(exitCodes.modelFailure);
      expect(server.requests).toHaveLength(2);
      expect(result.stdout).toBe("");
      expect(reasonLine(result.stderr)).toMatch(message);
      expect(result.stderr).toMatch(/retry 1 in/);
      const trajectory = await trajectoryIn(out);
      expect(trajectory.stopReason).toBe("error");
      expect(trajectory.error.code).toMatch(/^model-/);
      expect(trajectory.error.message).toMatch(message);
    });
  }
});

describe("a silent model server", () => {
  hostileCase(
    "gives up after model.idleTimeoutMs per attempt, showing the wait (exit 4)",
    12_000,
    async () => {
      let firstRequestAt = 0;
      const server = await serve(() => {
        firstRequestAt ||= Date.now();
        return { hang: true };
      });
      const { out, args } = await runFolder(server.baseUrl, { idleTimeoutMs: 1_500 });
      const result = await runCli(args(), { timeoutMs: 15_000 });
      // Two attempts of 1.5 s and one backoff (at most 0.5 s), with room for a busy machine.
      expect(Date.now() - firstRequestAt).toBeLessThan(5_000);
      expect(result.code, result.stderr).toBe(exitCodes.modelFailure);
      expect(server.requests).toHaveLength(2);
      expect(result.stderr).toMatch(/… waiting for the model \(\d+ s\)/);
      expect(reasonLine(result.stderr)).toMatch(/sent nothing for 1500 ms \(after 2 attempts\)/);
      expect((await trajectoryIn(out)).error.code).toBe("model-timeout");
    },
  );

  hostileCase(
    "killed with SIGKILL mid-run, leaves the checkpoint with its finished step",
    15_000,
    async () => {
      const server = await serve((_request, index) =>
        index === 0
          ? { toolCalls: [{ name: "crop", arguments: { box: [0, 0, 320, 240] } }] }
          : { hang: true },
      );
      const { out, args } = await runFolder(server.baseUrl);
      const child = spawnCli(args());
      const closed = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
      const deadline = Date.now() + 12_000;
      // The second request is the run waiting on its second step: the first step is checkpointed.
      while (server.requests.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      child.kill("SIGKILL");
      await closed;
      const trajectory = await trajectoryIn(out);
      expect(trajectory.steps).toHaveLength(1);
      expect(trajectory.steps[0].observations[0]).toMatchObject({ tool: "crop", isError: false });
      expect(trajectory.stopReason).toBe("cancelled");
      expect(trajectory.error.code).toBe("incomplete");
      expect(await readdir(join(out, "images"))).toHaveLength(2);
      expect((await readdir(out)).filter((name) => name.endsWith(".tmp"))).toEqual([]);
    },
  );

  hostileCase(
    "stopped with SIGTERM, ends like Ctrl-C with exit 143 and the partial trajectory",
    15_000,
    async () => {
      const server = await serve((_request, index) =>
        index === 0
          ? { toolCalls: [{ name: "crop", arguments: { box: [0, 0, 320, 240] } }] }
          : { hang: true },
      );
      const { out, args } = await runFolder(server.baseUrl);
      const child = spawnCli(args());
      let stderr = "";
      child.stderr.on("data", (chunk: Buffer) => {
        stderr += chunk.toString();
      });
      const closed = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
      const deadline = Date.now() + 12_000;
      while (server.requests.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      const started = Date.now();
      child.kill("SIGTERM");
      const code = await closed;
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(code, stderr).toBe(exitCodes.terminated);
      expect(reasonLine(stderr)).toMatch(/terminated \(SIGTERM\)/);
      const trajectory = await trajectoryIn(out);
      expect(trajectory.stopReason).toBe("cancelled");
      expect(trajectory.error).toBeUndefined();
      expect(trajectory.steps).toHaveLength(1);
    },
  );
});

describe("a reply that never ends", () => {
  for (const mode of ["--stream", "--no-stream"]) {
    hostileCase(
      `is stopped at model.maxReplyChars (${mode}), kept, a model failure, in bounded memory`,
      20_000,
      async () => {
        const server = await serve([{ endless: { content: "all work and no play makes jack a dull boy " } }]);
        const { dir, out, args } = await runFolder(server.baseUrl, { maxReplyChars: 300_000 });
        const peakMemoryFile = join(dir, "peak-memory");
        const started = Date.now();
        const result = await runCli(mode === "--no-stream" ? args("--no-stream") : args(), {
          timeoutMs: 25_000,
          peakMemoryFile,
        });
        expect(Date.now() - started).toBeLessThan(20_000);
        expect(result.code, result.stderr.slice(-2_000)).toBe(exitCodes.modelFailure);
        expect(server.requests).toHaveLength(1);
        expect(reasonLine(result.stderr)).toMatch(
          /the reply passed 300,000 characters \(model\.maxReplyChars\)/,
        );
        const peak = Number(await readFile(peakMemoryFile, "utf8"));
        expect(peak).toBeLessThan(1024 ** 3);
        const trajectory = await trajectoryIn(out);
        expect(trajectory.stopReason).toBe("error");
        const cut = trajectory.steps[0];
        expect(cut.output.finishReason).toBe("length");
        expect(cut.output.content.startsWith("all work and no play")).toBe(true);
        expect(cut.output.content.length).toBeGreaterThan(mode === "--stream" ? 299_000 : 1_000);
      },
    );
  }

  hostileCase(
    "at the default limit of 1,000,000 characters, the run still ends in bounded memory",
    30_000,
    async () => {
      const server = await serve([{ endless: { content: "all work and no play makes jack a dull boy " } }]);
      const { dir, args } = await runFolder(server.baseUrl);
      const peakMemoryFile = join(dir, "peak-memory");
      const result = await runCli(args("--quiet"), { timeoutMs: 35_000, peakMemoryFile });
      expect(result.code, result.stderr.slice(-2_000)).toBe(exitCodes.modelFailure);
      expect(reasonLine(result.stderr)).toMatch(/passed 1,000,000 characters/);
      expect(Number(await readFile(peakMemoryFile, "utf8"))).toBeLessThan(1024 ** 3);
    },
  );
});

describe("a run that ends without an answer", () => {
  hostileCase("an empty reply exits 3 with the reason on stderr, nothing on stdout", 8_000, async () => {
    const server = await serve([{ content: "" }]);
    const { out, args } = await runFolder(server.baseUrl);
    const result = await runCli(args("--quiet"), { timeoutMs: 15_000 });
    expect(result.code, result.stderr).toBe(exitCodes.noAnswer);
    expect(result.stdout).toBe("");
    const lines = result.stderr.trim().split("\n");
    expect(lines).toEqual([expect.stringMatching(/^loupe: no answer \(no-action\): .*reply was empty/)]);
    expect((await trajectoryIn(out)).error.code).toBe("no-answer");
  });

  hostileCase("a final-answer turn that gives none exits 3", 8_000, async () => {
    const crop = { toolCalls: [{ name: "crop", arguments: { box: [0, 0, 320, 240] } }] };
    const server = await serve([crop, crop]);
    const { out, args } = await runFolder(server.baseUrl);
    const result = await runCli(args("--max-steps", "1"), { timeoutMs: 15_000 });
    expect(result.code, result.stderr).toBe(exitCodes.noAnswer);
    expect(reasonLine(result.stderr)).toMatch(/^loupe: no answer \(budget-steps\): No answer was recorded/);
    expect((await trajectoryIn(out)).stopReason).toBe("budget-steps");
  });
});
