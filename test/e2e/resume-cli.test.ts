import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { testImage } from "../agent/agent-harness.js";
import { type ModelServer, type ScriptedReply, startModelServer } from "../support/model-server.js";
import { runCli, spawnCli } from "../support/run-cli.js";

let server: ModelServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const crop = (id: string, box: number[]) => ({ id, name: "crop", arguments: { box } });

async function inputImage(): Promise<{ dir: string; imagePath: string }> {
  const dir = await mkdtemp(join(tmpdir(), "loupe-resume-"));
  const imagePath = join(dir, "quadrants.jpg");
  await writeFile(imagePath, (await testImage()).bytes);
  return { dir, imagePath };
}

/** Starts `loupe ask` and SIGKILLs it once the server has received `killAtRequest` requests. */
async function askKilledAt(killAtRequest: number, args: string[]): Promise<{ stderr: string }> {
  const child = spawnCli(["ask", "--base-url", server!.baseUrl, "--model", "test-model", ...args]);
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const poll = setInterval(() => {
    if ((server?.requests.length ?? 0) >= killAtRequest) child.kill("SIGKILL");
  }, 20);
  const safety = setTimeout(() => child.kill("SIGKILL"), 45_000);
  const signal = await new Promise<NodeJS.Signals | null>((resolve) =>
    child.on("close", (_code, killedBy) => resolve(killedBy)),
  );
  clearInterval(poll);
  clearTimeout(safety);
  expect(signal, stderr).toBe("SIGKILL");
  return { stderr };
}

// Each case runs the real CLI two to four times.
describe("loupe resume after a SIGKILL", () => {
  it("finishes the run without asking the completed turns again or re-running finished calls", async () => {
    // Turns 1 and 2 crop; the third request hangs, and the CLI is killed while it waits.
    const replies: ScriptedReply[] = [
      { toolCalls: [crop("call_a", [0, 0, 320, 240])] },
      { toolCalls: [crop("call_b", [320, 0, 640, 240])] },
      { hang: true },
      { content: "Red." },
    ];
    server = await startModelServer((_request, index) => replies[index] ?? { status: 500 });
    const { dir, imagePath } = await inputImage();
    const out = join(dir, "run");
    await askKilledAt(3, ["-i", imagePath, "--out", out, "Colour?"]);
    const killed = JSON.parse(await readFile(join(out, "trajectory.json"), "utf8"));
    expect(killed.error.code).toBe("incomplete");
    expect(killed.steps).toHaveLength(2);

    const result = await runCli(["resume", out, "--quiet"]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.trim()).toBe("Red.");
    // Three requests before the kill (the third never answered), one after: turns 1 and 2 were not asked again.
    expect(server.requests).toHaveLength(4);
    const resumed = server.requests[3]!.body.messages;
    const sentBefore = server.requests[2]!.body.messages;
    expect(JSON.stringify(resumed)).toBe(JSON.stringify(sentBefore));
    const trajectory = JSON.parse(await readFile(join(out, "trajectory.json"), "utf8"));
    expect(trajectory.stopReason).toBe("answer");
    expect(trajectory.answer).toBe("Red.");
    expect(trajectory.steps.map((step: { index: number }) => step.index)).toEqual([1, 2, 3]);
    const callIds = trajectory.steps.flatMap((step: { observations: { callId: string }[] }) =>
      step.observations.map((observation) => observation.callId),
    );
    expect(callIds).toEqual(["call_a", "call_b"]);
    expect(trajectory.budgetsUsed).toMatchObject({ steps: 3, toolCalls: 2 });
    expect(trajectory.id).toBe(killed.id);
  }, 120_000);

  it("pauses for approval, then goes on with the user's rejection as the call's observation", async () => {
    server = await startModelServer([
      { toolCalls: [crop("call_a", [0, 0, 320, 240])] },
      { content: "I could not look closer; red, I think." },
    ]);
    const { dir, imagePath } = await inputImage();
    const out = join(dir, "run");
    const config = join(dir, "loupe.config.json");
    await writeFile(config, JSON.stringify({ approval: { tools: ["crop"] } }));
    const common = ["--base-url", server.baseUrl, "--model", "test-model", "--config", config];
    const paused = await runCli(["ask", ...common, "-i", imagePath, "--out", out, "Colour?"]);
    expect(paused.code, paused.stderr).toBe(3);
    expect(paused.stderr).toMatch(/paused, waiting for approval: call_a \(crop\)/);
    expect(paused.stderr).toMatch(/loupe resume \S*run --approve ID/);
    expect(server.requests).toHaveLength(1);

    const undecided = await runCli(["resume", out, "--config", config]);
    expect(undecided.code).toBe(2);
    expect(undecided.stderr).toMatch(/call_a waits for approval/);

    const result = await runCli([
      "resume",
      out,
      "--config",
      config,
      "--reject",
      "call_a",
      "--reason",
      "no crops today",
      "--quiet",
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(server.requests).toHaveLength(2);
    const toolMessage = server.requests[1]!.body.messages.find(
      (message: { role: string }) => message.role === "tool",
    );
    expect(toolMessage.content).toMatch(/did not approve this crop call\. The user said: no crops today/);
    const trajectory = JSON.parse(await readFile(join(out, "trajectory.json"), "utf8"));
    expect(trajectory.steps[0].observations[0]).toMatchObject({ callId: "call_a", isError: true });
    expect(trajectory.answer).toMatch(/red/);
  }, 120_000);

  it("asks a follow-up after a finished run, and continues a run stopped by its step budget", async () => {
    server = await startModelServer([
      { toolCalls: [crop("call_a", [0, 0, 320, 240])] },
      { content: "Red." },
      { content: "Green." },
      { toolCalls: [crop("call_b", [320, 0, 640, 240])] },
      { content: "Green, after a closer look." },
    ]);
    const { dir, imagePath } = await inputImage();
    const out = join(dir, "run");
    const common = ["--base-url", server.baseUrl, "--model", "test-model"];
    const first = await runCli([
      "ask",
      ...common,
      "-i",
      imagePath,
      "--out",
      out,
      "--max-steps",
      "1",
      "Colour?",
    ]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout.trim()).toBe("Red.");

    const same = await runCli(["resume", out]);
    expect(same.code).toBe(2);
    expect(same.stderr).toMatch(/step budget is used up, and with these budgets/);

    const followUp = await runCli([
      "resume",
      out,
      "--follow-up",
      "And the top-right one?",
      "--max-steps",
      "5",
    ]);
    expect(followUp.code, followUp.stderr).toBe(0);
    expect(followUp.stdout.trim()).toBe("Green.");
    expect(JSON.stringify(server.requests[2]!.body.messages.at(-1))).toContain("And the top-right one?");

    const more = await runCli(["resume", out, "--follow-up", "Look closer.", "--max-steps", "5", "--quiet"]);
    expect(more.code, more.stderr).toBe(0);
    expect(more.stdout.trim()).toBe("Green, after a closer look.");
    const trajectory = JSON.parse(await readFile(join(out, "trajectory.json"), "utf8"));
    expect(trajectory.followUps).toEqual([
      { afterStep: 2, question: "And the top-right one?" },
      { afterStep: 3, question: "Look closer." },
    ]);
    expect(trajectory.steps).toHaveLength(5);
    expect(trajectory.config.budgets.maxSteps).toBe(5);
  }, 120_000);
});
