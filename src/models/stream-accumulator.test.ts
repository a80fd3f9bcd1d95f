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
});
