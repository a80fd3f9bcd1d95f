import { describe, expect, it } from "vitest";
import { z } from "zod";
import type { AnyTool } from "../../src/core/tool.js";
import { trajectorySchema } from "../../src/core/trajectory.js";
import { cropCall, modelServer, runWithServer } from "./agent-harness.js";

/** A tool that runs until the run is cancelled, and says when it has started. */
function waitingTool(): { tool: AnyTool; started: Promise<void> } {
  let markStarted = () => {};
  const started = new Promise<void>((resolve) => {
    markStarted = resolve;
  });
  const tool: AnyTool = {
    name: "wait",
    description: "Waits until the run is cancelled.",
    parameters: z.object({}),
    execute: (_args, context) =>
      new Promise((_resolve, reject) => {
        markStarted();
        context.signal.addEventListener("abort", () => reject(context.signal.reason), { once: true });
      }),
  };
  return { tool, started };
}

describe("runAgent cancellation", () => {
  it("stops during a streamed model call and returns the completed steps without throwing", async () => {
    const controller = new AbortController();
    const server = await modelServer((_request, index) => {
      if (index === 0) return { toolCalls: [cropCall([0, 0, 320, 240])] };
      controller.abort(new Error("user pressed Ctrl-C"));
      return { hang: true };
    });
    const { trajectory, events } = await runWithServer({ server, signal: controller.signal });
    expect(server.requests[1]!.body.stream).toBe(true);
    expect(trajectory.stopReason).toBe("cancelled");
    expect(trajectory.error).toBeUndefined();
    expect(trajectory.steps).toHaveLength(1);
    expect(trajectory.steps[0]!.observations[0]).toMatchObject({ tool: "crop", isError: false });
    expect(trajectory.images).toHaveLength(2);
    expect(events.at(-1)).toMatchObject({ type: "run-end", stopReason: "cancelled" });
    expect(events.some((event) => event.type === "error")).toBe(false);
    expect(trajectorySchema.safeParse(trajectory).success).toBe(true);
  });

  it("stops during a tool call, keeping the earlier steps and the interrupted step's model output", async () => {
    const controller = new AbortController();
    const { tool, started } = waitingTool();
    void started.then(() => controller.abort(new Error("user pressed Ctrl-C")));
    const server = await modelServer([
      { toolCalls: [cropCall([0, 0, 320, 240])] },
      { content: "Let me wait.", toolCalls: [{ id: "w", name: "wait", arguments: {} }] },
      { content: "not reached" },
    ]);
    const { trajectory, events } = await runWithServer({
      server,
      signal: controller.signal,
      extraTools: [tool],
    });
    expect(server.requests).toHaveLength(2);
    expect(trajectory.stopReason).toBe("cancelled");
    expect(trajectory.steps).toHaveLength(2);
    expect(trajectory.steps[0]!.observations[0]!.isError).toBe(false);
    const interrupted = trajectory.steps[1]!;
    expect(interrupted.output.content).toBe("Let me wait.");
    expect(interrupted.observations[0]).toMatchObject({ callId: "w", tool: "wait", isError: true });
    expect(interrupted.observations[0]!.text).toMatch(/cancelled/i);
    expect(trajectory.budgetsUsed.steps).toBe(trajectory.steps.length);
    expect(events.at(-1)).toMatchObject({ type: "run-end", stopReason: "cancelled" });
    expect(trajectorySchema.safeParse(trajectory).success).toBe(true);
  });

  it("does not start a run that was cancelled before it began", async () => {
    const server = await modelServer([{ content: "not reached" }]);
    const { trajectory } = await runWithServer({ server, signal: AbortSignal.abort() });
    expect(server.requests).toHaveLength(0);
    expect(trajectory.stopReason).toBe("cancelled");
    expect(trajectory.steps).toEqual([]);
  });
});
