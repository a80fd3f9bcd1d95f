import { describe, expect, it } from "vitest";
import { z } from "zod";
import { BudgetTracker, describeStop } from "../../src/agent/budget-tracker.js";
import { RunDeadline } from "../../src/agent/run-deadline.js";
import { budgetsSchema } from "../../src/core/config.js";
import type { AnyTool, ToolResult } from "../../src/core/tool.js";
import { trajectorySchema } from "../../src/core/trajectory.js";
import { cropCall, modelServer, requestText, runWithServer } from "./agent-harness.js";

const slowToolDelayMs = 60_000;

/**
 * A tool that takes a minute. Honouring its signal, it stops when the signal fires; ignoring it,
 * it would keep the run waiting unless the loop stops waiting for it.
 */
function slowTool(honoursSignal: boolean): AnyTool {
  return {
    name: "slow",
    description: "Takes its time.",
    parameters: z.object({}),
    execute: (_args, context) =>
      new Promise<ToolResult>((resolve, reject) => {
        const timer = setTimeout(() => resolve({ text: "done", images: [] }), slowToolDelayMs);
        if (!honoursSignal) {
          timer.unref();
          return;
        }
        context.signal.addEventListener(
          "abort",
          () => {
            clearTimeout(timer);
            reject(context.signal.reason);
          },
          { once: true },
        );
      }),
  };
}

const slowCall = { id: "s", name: "slow", arguments: {} };

describe("runAgent wall-time deadline (real client, real server)", () => {
  for (const honoursSignal of [true, false]) {
    it(`stops a slow tool call at the deadline (${honoursSignal ? "honouring" : "ignoring"} its signal), then asks for the final answer`, async () => {
      const server = await modelServer([
        { content: "Let me take a slow look.", toolCalls: [slowCall] },
        { content: "Red." },
      ]);
      // Long enough that the first reply comes well inside it on a loaded machine, so the call
      // starts and the deadline stops it mid-way (a call not yet started is refused instead).
      const { trajectory, events } = await runWithServer({
        server,
        budgets: { maxWallMs: 3_000 },
        extraTools: [slowTool(honoursSignal)],
      });
      expect(trajectory.stopReason).toBe("budget-time");
      expect(trajectory.budgetsUsed.wallMs).toBeLessThan(slowToolDelayMs / 2);
      expect(trajectory.steps[0]!.observations[0]).toMatchObject({
        callId: "s",
        tool: "slow",
        isError: true,
      });
      expect(trajectory.steps[0]!.observations[0]!.text).toMatch(/time budget ran out/);
      expect(server.requests).toHaveLength(2);
      expect(server.requests[1]!.body.tools).toBeUndefined();
      expect(requestText(server, 1)).toContain(describeStop("budget-time"));
      expect(requestText(server, 1)).toMatch(/time budget ran out/);
      expect(trajectory.answer).toBe("Red.");
      expect(trajectory.error).toBeUndefined();
      expect(events.at(-1)).toMatchObject({ type: "run-end", stopReason: "budget-time" });
      expect(trajectorySchema.safeParse(trajectory).success).toBe(true);
    });
  }

  it("stops a model reply that has not come by the deadline, then asks for the final answer", async () => {
    const server = await modelServer([{ hang: true }, { content: "Probably red." }]);
    const { trajectory } = await runWithServer({ server, budgets: { maxWallMs: 500 } });
    expect(trajectory.stopReason).toBe("budget-time");
    expect(server.requests).toHaveLength(2);
    expect(server.requests[1]!.body.tools).toBeUndefined();
    expect(requestText(server, 1)).toContain(describeStop("budget-time"));
    // The interrupted request left no step behind; the final-answer turn is the only one.
    expect(trajectory.steps).toHaveLength(1);
    expect(trajectory.steps[0]!.answer).toBe("Probably red.");
    expect(trajectory.answer).toBe("Probably red.");
    expect(trajectorySchema.safeParse(trajectory).success).toBe(true);
  });

  it("reports a stop by the user as cancelled, also with a deadline ahead", async () => {
    const controller = new AbortController();
    const server = await modelServer([{ toolCalls: [slowCall] }, { content: "not reached" }]);
    const tool = slowTool(true);
    const cancelling: AnyTool = {
      ...tool,
      execute: (args, context) => {
        setTimeout(() => controller.abort(new Error("user pressed Ctrl-C")), 20);
        return tool.execute(args, context);
      },
    };
    const { trajectory } = await runWithServer({
      server,
      signal: controller.signal,
      budgets: { maxWallMs: 60_000 },
      extraTools: [cancelling],
    });
    expect(trajectory.stopReason).toBe("cancelled");
    expect(trajectory.steps[0]!.observations[0]!.text).toMatch(/^Cancelled/);
    expect(server.requests).toHaveLength(1);
  });

  it("gives the final-answer turn its time with the longest wall-time budget a timer takes", async () => {
    // Budget plus grace passes 2^31-1 ms; a Node timer that long fires at once, losing the answer.
    const server = await modelServer([{ toolCalls: [cropCall([0, 0, 320, 240])] }, { content: "Red." }]);
    const { trajectory } = await runWithServer({ server, budgets: { maxSteps: 1, maxWallMs: 2 ** 31 - 1 } });
    expect(trajectory.stopReason).toBe("budget-steps");
    expect(trajectory.answer).toBe("Red.");
  });
});

describe("a finished run's deadline", () => {
  it("ends the signals it gave out and their timer when the run ends, not when the budget would have run out", () => {
    const budget = new BudgetTracker(budgetsSchema.parse({ maxWallMs: 600_000 }), Date.now());
    const deadline = new RunDeadline({
      userSignal: new AbortController().signal,
      budget,
      modelTimeoutMs: 1000,
    });
    const call = deadline.callSignal();
    const final = deadline.finalTurnSignal();
    expect(call.aborted || final.aborted).toBe(false);
    deadline.dispose();
    // Aborted, Node lets a signal from AbortSignal.any go with the listeners a tool left on it.
    expect(call.aborted && final.aborted).toBe(true);
    expect(deadline.stoppedByDeadline(call)).toBe(true);
    expect(deadline.expired).toBe(false);
  });
});
