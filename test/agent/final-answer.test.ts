import { describe, expect, it } from "vitest";
import { trajectorySchema } from "../../src/core/trajectory.js";
import { modelServer, recordingPython, runWithServer } from "./agent-harness.js";

const codeCall = (code: string) =>
  `<tool_call>{"name": "code", "arguments": {"code": ${JSON.stringify(code)}}}</tool_call>`;

describe("runAgent final-answer turn (skywork-r1v4 dialect, real client and server)", () => {
  it("records no answer, and says why, when the final turn only calls a tool", async () => {
    const { tool, ran } = recordingPython();
    const server = await modelServer([
      { content: `<think>Let me measure.</think>\n${codeCall("print(1)")}` },
      { content: `<think>One more look first.</think>\n${codeCall("print(2)")}` },
    ]);
    const { trajectory, events } = await runWithServer({
      server,
      dialect: "skywork-r1v4",
      tools: [tool],
      budgets: { maxSteps: 1 },
    });
    expect(ran).toEqual(["print(1)"]);
    expect(server.requests[1]!.body.tools).toBeUndefined();
    expect(trajectory.stopReason).toBe("budget-steps");
    expect(trajectory.answer).toBeUndefined();
    expect(trajectory.error?.code).toBe("no-answer");
    expect(trajectory.error?.message).toMatch(/only actions/);
    const final = trajectory.steps[1]!;
    expect(final.answer).toBeUndefined();
    expect(final.actions[0]).toMatchObject({ tool: "python", arguments: { code: "print(2)" } });
    // The unrun call is answered, so the conversation does not end on a dangling call.
    expect(final.observations[0]).toMatchObject({ tool: "python", isError: true });
    expect(final.observations[0]!.text).toMatch(/^Not run: the step budget is used up/);
    expect(trajectory.messages.at(-1)!.role).toBe("user");
    expect(events.some((event) => event.type === "answer")).toBe(false);
    expect(events).toContainEqual(
      expect.objectContaining({ type: "error", code: "no-answer", retrying: false }),
    );
    expect(trajectorySchema.safeParse(trajectory).success).toBe(true);
  });

  it("keeps the text around a final-turn tool call as the answer, without the call's markup", async () => {
    const { tool, ran } = recordingPython();
    const server = await modelServer([
      { content: `<think>Let me measure.</think>\n${codeCall("print(1)")}` },
      { content: `<think>Enough.</think>\nThe top-left quadrant is red.\n${codeCall("print(2)")}` },
    ]);
    const { trajectory } = await runWithServer({
      server,
      dialect: "skywork-r1v4",
      tools: [tool],
      budgets: { maxSteps: 1 },
    });
    expect(ran).toEqual(["print(1)"]);
    expect(trajectory.stopReason).toBe("budget-steps");
    expect(trajectory.answer).toBe("The top-left quadrant is red.");
    expect(trajectory.steps[1]!.answer).toBe("The top-left quadrant is red.");
    expect(trajectory.error).toBeUndefined();
  });

  it("still takes an explicit answer as it is", async () => {
    const { tool } = recordingPython();
    const server = await modelServer([
      { content: `<think>Let me measure.</think>\n${codeCall("print(1)")}` },
      { content: "<think>Enough.</think>\n<answer>Red.</answer>" },
    ]);
    const { trajectory } = await runWithServer({
      server,
      dialect: "skywork-r1v4",
      tools: [tool],
      budgets: { maxSteps: 1 },
    });
    expect(trajectory.answer).toBe("Red.");
    expect(trajectory.stopReason).toBe("budget-steps");
  });
});
