import { describe, expect, it } from "vitest";
import { reduceEvent } from "./live-steps.js";

describe("reduceEvent: the live view's steps from run events", () => {
  it("streams text and reasoning, pairs each call's start and end, keeps the answer", () => {
    const events = [
      { type: "step-start", step: 1 },
      { type: "reasoning-delta", step: 1, text: "look " },
      { type: "reasoning-delta", step: 1, text: "closer" },
      { type: "tool-call-start", step: 1, callId: "a", tool: "crop", arguments: { box: [0, 0, 1, 1] } },
      { type: "tool-call-end", step: 1, callId: "a", tool: "crop", text: "Cropped", durationMs: 12 },
      { type: "text-delta", step: 2, text: "Red." },
      { type: "answer", step: 2, answer: "Red." },
      { type: "run-end", stopReason: "answer" },
    ];
    const steps = events.reduce(reduceEvent, []);
    expect(steps).toHaveLength(2);
    expect(steps[0]).toMatchObject({ step: 1, reasoning: "look closer" });
    expect(steps[0]!.calls).toEqual([
      { callId: "a", tool: "crop", arguments: { box: [0, 0, 1, 1] }, text: "Cropped", durationMs: 12 },
    ]);
    expect(steps[1]).toMatchObject({ step: 2, text: "Red.", answer: "Red." });
  });
});
