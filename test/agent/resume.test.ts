import { afterAll, describe, expect, it } from "vitest";
import { imageConfigSchema } from "../../src/core/config.js";
import { LoupeError } from "../../src/core/errors.js";
import type { RunEvent } from "../../src/core/events.js";
import { trajectorySchema } from "../../src/core/trajectory.js";
import { SandboxPool } from "../../src/sandbox/sandbox-pool.js";
import { hasSandbox, sandboxPythonPath } from "../../src/sandbox/sandbox-test-support.js";
import { imageTools } from "../../src/tools/image/index.js";
import { pythonTool } from "../../src/tools/python/index.js";
import { cropCall, modelServer, resumeWithServer, runWithServer, SnapshotStore } from "./agent-harness.js";

const startedCalls = (events: RunEvent[]) =>
  events.flatMap((event) => (event.type === "tool-call-start" ? [event.callId] : []));

describe("resumeRun (real client, real server, real tools)", () => {
  it("resumes a step whose calls were under way: the model is not asked again, finished calls do not run again", async () => {
    const first = await modelServer([
      { toolCalls: [cropCall([0, 0, 320, 240], "a"), cropCall([320, 0, 640, 240], "b")] },
      { content: "Red." },
    ]);
    const store = new SnapshotStore();
    const whole = await runWithServer({ server: first, checkpointStore: store });
    expect(whole.trajectory.answer).toBe("Red.");
    // The moment after one call finished and before the other did (the native dialect runs them
    // at once): as if the process had been killed there.
    const killedAt = store.snapshots.find(
      (snapshot) => snapshot.trajectory.resume?.stepInProgress?.observations.length === 1,
    )!;
    expect(killedAt.trajectory.steps).toHaveLength(0);
    expect(trajectorySchema.safeParse(killedAt.trajectory).success).toBe(true);

    const second = await modelServer([{ content: "Red." }]);
    const finished = killedAt.trajectory.resume!.stepInProgress!.observations[0]!.callId;
    const resumed = await resumeWithServer(killedAt, { server: second });
    expect(startedCalls(resumed.events)).toEqual([finished === "a" ? "b" : "a"]);
    expect(second.requests).toHaveLength(1);
    // The conversation the resumed run sends is the one the uninterrupted run sent.
    expect(JSON.stringify(second.requests[0]!.body.messages)).toBe(
      JSON.stringify(first.requests[1]!.body.messages),
    );
    const { trajectory } = resumed;
    expect(trajectory.id).toBe(whole.trajectory.id);
    expect(trajectory.steps).toHaveLength(2);
    expect(trajectory.steps[0]!.observations.map((observation) => observation.callId)).toEqual(["a", "b"]);
    expect(trajectory.budgetsUsed).toMatchObject({ steps: 2, toolCalls: 2 });
    expect(trajectory.images.map((image) => image.label)).toEqual(
      whole.trajectory.images.map((image) => image.label),
    );
  });

  it("resumes a cancelled run from its last checkpoint, not from the step the cancel cut short", async () => {
    const controller = new AbortController();
    const first = await modelServer((_request, index) =>
      index === 0 ? { toolCalls: [cropCall([0, 0, 320, 240], "a")] } : { hang: true },
    );
    const store = new SnapshotStore();
    const cancelled = runWithServer({ server: first, checkpointStore: store, signal: controller.signal });
    while (first.requests.length < 2) await new Promise((resolve) => setTimeout(resolve, 10));
    controller.abort();
    const { trajectory, images } = await cancelled;
    expect(trajectory.stopReason).toBe("cancelled");
    expect(trajectory.resume).toMatchObject({ stepCount: 1 });

    const second = await modelServer([{ content: "Red." }]);
    const resumed = await resumeWithServer({ trajectory, images }, { server: second });
    expect(resumed.trajectory.answer).toBe("Red.");
    expect(startedCalls(resumed.events)).toEqual([]);
    expect(resumed.trajectory.steps).toHaveLength(2);
  });

  it("pauses for calls that need approval and goes on with each decision", async () => {
    const first = await modelServer([
      { toolCalls: [cropCall([0, 0, 320, 240], "a"), cropCall([320, 0, 640, 240], "b")] },
    ]);
    const paused = await runWithServer({
      server: first,
      // The API's predicate: crops of the right half need the user.
      needsApproval: (call) => (call.arguments as { box: number[] }).box[0]! >= 320,
    });
    expect(paused.trajectory.stopReason).toBe("paused");
    expect(paused.trajectory.stopDescription).toBe("waiting for approval: b (crop)");
    expect(paused.trajectory.resume?.awaitingApproval).toEqual(["b"]);
    // Nothing of the step ran: the calls run in order once the user has decided.
    expect(startedCalls(paused.events)).toEqual([]);
    expect(trajectorySchema.safeParse(JSON.parse(JSON.stringify(paused.trajectory))).success).toBe(true);

    await expect(
      resumeWithServer(paused, { server: first, decisions: { c: { approve: true } } }),
    ).rejects.toThrow(/No call c waits for approval in this run \(waiting: b\)/);

    const second = await modelServer([{ content: "Red." }]);
    const approved = await resumeWithServer(paused, { server: second, decisions: { b: { approve: true } } });
    expect(startedCalls(approved.events)).toEqual(["a", "b"]);
    expect(approved.trajectory.steps[0]!.observations.every((observation) => !observation.isError)).toBe(
      true,
    );

    const third = await modelServer([{ content: "Red." }]);
    const rejected = await resumeWithServer(paused, {
      server: third,
      decisions: { b: { approve: false, reason: "left half only" } },
    });
    const observation = rejected.trajectory.steps[0]!.observations[1]!;
    expect(observation).toMatchObject({ callId: "b", isError: true });
    expect(observation.text).toBe(
      "Not run: the user did not approve this crop call. The user said: left half only Do without it, or try something else.",
    );
    expect(rejected.trajectory.answer).toBe("Red.");
  });

  it("pauses on the config's approval rules: listed tools", async () => {
    const server = await modelServer([{ toolCalls: [cropCall([0, 0, 320, 240], "a")] }]);
    const { trajectory } = await runWithServer({ server, config: { approval: { tools: ["crop"] } } });
    expect(trajectory.stopReason).toBe("paused");
    expect(trajectory.resume?.awaitingApproval).toEqual(["a"]);
  });

  it("refuses a finished run without a follow-up, and one still out of budget", async () => {
    const server = await modelServer([{ content: "Red." }]);
    const done = await runWithServer({ server });
    await expect(resumeWithServer(done, { server })).rejects.toThrow(LoupeError);
    await expect(resumeWithServer(done, { server })).rejects.toThrow(/ask a follow-up question/);
  });

  describe.skipIf(!hasSandbox)("with the Python tool", () => {
    const pool = new SandboxPool({ pythonPath: sandboxPythonPath, warmSessions: 0 });
    afterAll(() => pool.close());
    const tools = () => [...imageTools(imageConfigSchema.parse({})), pythonTool({ pool })];

    it("re-creates the session's variables by re-running earlier cells, silently", async () => {
      const first = await modelServer([
        { toolCalls: [{ id: "p1", name: "python", arguments: { code: "x = 41\nprint('set x')" } }] },
        { content: "Done." },
      ]);
      const store = new SnapshotStore();
      await runWithServer({ server: first, tools: tools(), checkpointStore: store });
      const afterStep1 = store.snapshots.find(
        (snapshot) => snapshot.trajectory.steps.length === 1 && !snapshot.trajectory.resume?.stepInProgress,
      )!;
      const second = await modelServer([
        { toolCalls: [{ id: "p2", name: "python", arguments: { code: "print(x + 1)" } }] },
        { content: "42." },
      ]);
      const resumed = await resumeWithServer(afterStep1, { server: second, tools: tools() });
      const observation = resumed.trajectory.steps[1]!.observations[0]!;
      expect(observation.text).toContain("42");
      expect(observation.text).not.toContain("set x");
      expect(observation.isError).toBe(false);
      expect(startedCalls(resumed.events)).toEqual(["p2"]);
    });
  });
});
