import type { ChatCompletionChunk } from "openai/resources/chat/completions";
import { describe, expect, it } from "vitest";
import { StreamAccumulator } from "./stream-accumulator.js";

function chunk(delta: Record<string, unknown>, extra: Record<string, unknown> = {}): ChatCompletionChunk {
  return {
    id: "c",
    object: "chat.completion.chunk",
    created: 0,
    model: "m",
    choices: [{ index: 0, delta, finish_reason: null, ...extra }],
  } as ChatCompletionChunk;
}

describe("StreamAccumulator", () => {
  it("assembles interleaved tool call pieces by index and accepts `reasoning` deltas", () => {
    const accumulator = new StreamAccumulator();
    accumulator.add(chunk({ reasoning: "hm" }));
    accumulator.add(
      chunk({ tool_calls: [{ index: 1, id: "b", function: { name: "zoom", arguments: "" } }] }),
    );
    accumulator.add(
      chunk({ tool_calls: [{ index: 0, id: "a", function: { name: "crop", arguments: '{"x"' } }] }),
    );
    accumulator.add(chunk({ tool_calls: [{ index: 1, function: { arguments: "{}" } }] }));
    accumulator.add(chunk({ tool_calls: [{ index: 0, function: { arguments: ": 1}" } }] }));
    expect(accumulator.finished).toBe(false);
    accumulator.add(chunk({}, { finish_reason: "tool_calls" }));
    expect(accumulator.finished).toBe(true);
    expect(accumulator.result()).toMatchObject({
      reasoning: "hm",
      finishReason: "tool_calls",
      toolCalls: [
        { id: "a", name: "crop", arguments: '{"x": 1}' },
        { id: "b", name: "zoom", arguments: "{}" },
      ],
    });
  });

  it("gives an id to tool calls the server sent without one", () => {
    const accumulator = new StreamAccumulator();
    accumulator.add(chunk({ tool_calls: [{ index: 0, function: { name: "crop", arguments: "{}" } }] }));
    expect(accumulator.result().toolCalls[0]?.id).toBe("call_0");
  });

  it("counts the characters it keeps: content, reasoning, tool names and arguments", () => {
    const accumulator = new StreamAccumulator();
    accumulator.add(chunk({ reasoning_content: "abc" }));
    accumulator.add(chunk({ content: "de" }));
    accumulator.add(chunk({ tool_calls: [{ index: 0, function: { name: "crop", arguments: "{}" } }] }));
    expect(accumulator.chars).toBe(3 + 2 + 4 + 2);
  });

  it("counts events with and without choices", () => {
    const accumulator = new StreamAccumulator();
    accumulator.add({ choices: [] } as unknown as ChatCompletionChunk);
    accumulator.add(chunk({ content: "a" }));
    expect([accumulator.events, accumulator.eventsWithChoices]).toEqual([2, 1]);
  });

  it.each([
    ["a chunk that is not an object", "oops"],
    ["choices that are not a list", { choices: "x" }],
    ["content that is not text", { choices: [{ index: 0, delta: { content: 7 } }] }],
    ["tool_calls that are not a list", { choices: [{ index: 0, delta: { tool_calls: "crop" } }] }],
  ])("names %s, quoting it", (_name, value) => {
    const accumulator = new StreamAccumulator();
    expect(() => accumulator.add(value as unknown as ChatCompletionChunk)).toThrow(/event stream holding/);
  });
});
