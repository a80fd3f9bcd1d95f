import { describe, expect, it } from "vitest";
import { inferUnclosedTagStop, restoreStopSequence } from "./stop-restore.js";

describe("restoreStopSequence", () => {
  const stops = ["</code>", "</tool_call>"];

  it("uses the server's stop_reason when it is a string", () => {
    expect(
      restoreStopSequence({
        content: "<tool_call>{}",
        finishReason: "stop",
        stopReason: "</tool_call>",
        stops,
      }),
    ).toEqual({ content: "<tool_call>{}</tool_call>", stopSequence: "</tool_call>" });
  });

  it("infers the stop from an unclosed opening tag when the server does not say", () => {
    expect(
      restoreStopSequence({
        content: "<think>x</think><code>print(1)",
        finishReason: "stop",
        stopReason: null,
        stops,
      }),
    ).toEqual({ content: "<think>x</think><code>print(1)</code>", stopSequence: "</code>" });
  });

  it("ignores a numeric stop_reason (an EOS token id) and closed tags", () => {
    expect(
      restoreStopSequence({
        content: "<code>a</code> done",
        finishReason: "stop",
        stopReason: 151645,
        stops,
      }),
    ).toEqual({ content: "<code>a</code> done" });
  });

  it("does nothing when generation ended for another reason", () => {
    expect(
      restoreStopSequence({ content: "<code>a", finishReason: "length", stopReason: null, stops }),
    ).toEqual({
      content: "<code>a",
    });
  });

  it("does not append twice when the server kept the stop string", () => {
    expect(
      restoreStopSequence({ content: "<code>a</code>", finishReason: "stop", stopReason: "</code>", stops })
        .content,
    ).toBe("<code>a</code>");
  });
});

describe("inferUnclosedTagStop", () => {
  it("picks the latest unclosed tag among the stops", () => {
    expect(inferUnclosedTagStop("<code>a</code><tool_call>{", ["</code>", "</tool_call>"])).toBe(
      "</tool_call>",
    );
    expect(inferUnclosedTagStop('<code lang="py">a', ["</code>"])).toBe("</code>");
    expect(inferUnclosedTagStop("no tags", ["</code>", "STOP"])).toBeUndefined();
  });
});
