import { mkdtemp, readdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { testImage } from "../agent/agent-harness.js";
import { type ModelServer, startModelServer } from "../support/model-server.js";
import { spawnCli } from "../support/run-cli.js";

let server: ModelServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe("loupe ask interrupted with Ctrl-C", () => {
  it("exits with 130 and writes the partial trajectory with the finished step", async () => {
    server = await startModelServer((_request, index) =>
      index === 0 ? { toolCalls: [{ name: "crop", arguments: { box: [0, 0, 320, 240] } }] } : { hang: true },
    );
    const dir = await mkdtemp(join(tmpdir(), "loupe-interrupt-"));
    const imagePath = join(dir, "quadrants.jpg");
    await writeFile(imagePath, (await testImage()).bytes);
    const out = join(dir, "run");
    const child = spawnCli([
      "ask",
      "-i",
      imagePath,
      "--base-url",
      server.baseUrl,
      "--model",
      "test-model",
      "--out",
      out,
      "Colour?",
    ]);
    let stderr = "";
    let interrupted = false;
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
      // "←" marks a finished tool call; by then the CLI is waiting on the hanging second reply.
      if (!interrupted && stderr.includes("←")) {
        interrupted = true;
        child.kill("SIGINT");
      }
    });
    // A CLI that ignored the interrupt would hang with the server: stop it so the test fails cleanly.
    const killer = setTimeout(() => child.kill("SIGKILL"), 45_000);
    const code = await new Promise<number | null>((resolve) =>
      child.on("close", (exitCode) => resolve(exitCode)),
    );
    clearTimeout(killer);

    expect(interrupted, stderr).toBe(true);
    expect(code, stderr).toBe(130);
    expect(stderr).toContain("interrupted");
    const trajectory = JSON.parse(await readFile(join(out, "trajectory.json"), "utf8"));
    expect(trajectory.stopReason).toBe("cancelled");
    expect(trajectory.steps).toHaveLength(1);
    expect(trajectory.steps[0].actions[0]).toMatchObject({ tool: "crop" });
    expect(trajectory.steps[0].observations[0]).toMatchObject({ tool: "crop", isError: false });
    expect(await readdir(join(out, "images"))).toHaveLength(2);
  });
});
