import { describe, expect, it } from "vitest";
import { modelServer, recordingPython, requestMessages, runWithServer } from "./agent-harness.js";

const r1v4Call = '<tool_call>{"name": "code", "arguments": {"code": "print(1)"}}</tool_call>';
const nativeCall = '<tool_call>\n{"name": "python", "arguments": {"code": "print(1)"}}\n</tool_call>';

/**
 * Issue 7's reported bug: a reply whose <think> is never closed but holds a <tool_call> ended the
 * run with the raw text (or nothing) as its answer; the client filed the whole reply as reasoning.
 */
describe("a reply whose <think> is never closed but holds a tool call", () => {
  it("runs the call in a tag dialect (skywork-r1v4), with or without the restored stop string", async () => {
    for (const content of [
      `<think>I will measure it.\n${r1v4Call}`,
      `<think>I will measure it.\n${r1v4Call}`.replace("</tool_call>", ""),
    ]) {
      const { tool, ran } = recordingPython();
      const server = await modelServer([{ content }, { content: "<think>Done.</think><answer>42</answer>" }]);
      const { trajectory } = await runWithServer({ server, dialect: "skywork-r1v4", tools: [tool] });
      expect(ran).toEqual(["print(1)"]);
      expect(trajectory.answer).toBe("42");
      expect(trajectory.stopReason).toBe("answer");
      expect(trajectory.steps[0]!.output.reasoning).toBe("I will measure it.");
      // The conversation keeps the call as the model wrote it.
      expect(requestMessages(server, 1).find((message) => message.role === "assistant").content).toContain(
        '<tool_call>{"name": "code"',
      );
    }
  });

  it("runs the call when a server's reasoning parser filed it in reasoning_content", async () => {
    const { tool, ran } = recordingPython();
    const server = await modelServer([
      { reasoning: `I will measure it.\n${r1v4Call}`, content: "" },
      { content: "<think>Done.</think><answer>42</answer>" },
    ]);
    const { trajectory } = await runWithServer({ server, dialect: "skywork-r1v4", tools: [tool] });
    expect(ran).toEqual(["print(1)"]);
    expect(trajectory.answer).toBe("42");
  });

  it("runs a hermes call written as text in the native dialect (tool parser off), as a well-formed native call", async () => {
    const { tool, ran } = recordingPython();
    const server = await modelServer([
      { content: `<think>I will measure it.\n${nativeCall}` },
      { content: "The answer is 42." },
    ]);
    const { trajectory } = await runWithServer({ server, dialect: "native", tools: [tool] });
    expect(ran).toEqual(["print(1)"]);
    expect(trajectory.answer).toBe("The answer is 42.");
    const sent = requestMessages(server, 1);
    const assistant = sent.find((message) => message.role === "assistant");
    expect(assistant.tool_calls).toHaveLength(1);
    expect(assistant.tool_calls[0].function).toMatchObject({ name: "python" });
    expect(assistant.content ?? "").not.toContain("<tool_call>");
    expect(sent.find((message) => message.role === "tool")).toMatchObject({
      tool_call_id: assistant.tool_calls[0].id,
    });
  });

  it("answers an R1V4 call through the native dialect with an error instead of ending the run", async () => {
    const { tool, ran } = recordingPython();
    const server = await modelServer([
      { content: `<think>I will measure it.\n${r1v4Call}` },
      { content: "The answer is 42." },
    ]);
    const { trajectory } = await runWithServer({ server, dialect: "native", tools: [tool] });
    expect(ran).toEqual([]);
    expect(trajectory.steps[0]!.actionErrors[0]!.message).toMatch(/tool "code" is not available/);
    expect(trajectory.answer).toBe("The answer is 42.");
  });

  it("records no answer, and runs nothing, when the final-answer turn holds only the call", async () => {
    const { tool, ran } = recordingPython();
    const server = await modelServer([
      { content: `<think>Measure.</think>\n${r1v4Call}` },
      { content: `<think>One more look.\n${r1v4Call}}` },
    ]);
    const { trajectory } = await runWithServer({
      server,
      dialect: "skywork-r1v4",
      tools: [tool],
      budgets: { maxSteps: 1 },
    });
    expect(ran).toEqual(["print(1)"]);
    expect(trajectory.answer).toBeUndefined();
    expect(trajectory.error?.code).toBe("no-answer");
    expect(trajectory.steps[1]!.actions[0]).toMatchObject({ tool: "python" });
  });
});
