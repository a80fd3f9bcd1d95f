import { describe, expect, it } from "vitest";
import type { ModelOutput } from "../core/model-output.js";
import type { ParsedTurn } from "../dialects/dialect.js";
import { chooseAnswer, finalTurnAnswer, withoutThinking } from "./turn-answer.js";

const output = (content: string): ModelOutput => ({
  content,
  toolCalls: [],
  finishReason: "stop",
  usage: { promptTokens: 0, completionTokens: 0 },
});
const call = '<tool_call>{"name": "code", "arguments": {"code": "1"}}</tool_call>';
const withCall: ParsedTurn = {
  calls: [{ id: "call_1", name: "python", arguments: {}, raw: call }],
  errors: [],
};

describe("turn answers", () => {
  it("ends a <think> left open at the action in the final turn, keeping the text after it", () => {
    expect(finalTurnAnswer(withCall, output(`<think>look\n${call}}\nIt is red.`))).toBe("It is red.");
    expect(finalTurnAnswer(withCall, output(`<think>look\n${call}}`))).toBeUndefined();
    expect(finalTurnAnswer(withCall, output(`It is red.\n${call}`))).toBe("It is red.");
  });

  it("removes reasoning as the dialects do, </think> used as an opening tag included", () => {
    expect(withoutThinking("</think>Checked.</think>It is red.")).toBe("It is red.");
    expect(withoutThinking("reasoning</think>It is red.")).toBe("It is red.");
    expect(withoutThinking("<think>cut off")).toBe("");
    expect(chooseAnswer({ calls: [], errors: [] }, output("<think>a</think>It is red."))).toBe("It is red.");
  });
});
