import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { splitThinking, ThinkStreamRouter } from "./think-split.js";

describe("splitThinking", () => {
  it("splits a leading <think> block", () => {
    expect(splitThinking("  <think>\nstep one\n</think>\n\nanswer")).toEqual({
      reasoning: "step one",
      content: "answer",
    });
  });

  it("handles content that starts inside the think block (Qwen3 templates)", () => {
    expect(splitThinking("step one</think>answer <b>x</b>")).toEqual({
      reasoning: "step one",
      content: "answer <b>x</b>",
    });
  });

  it("treats an unclosed block as reasoning only", () => {
    expect(splitThinking("<think>ran out of tok")).toEqual({ reasoning: "ran out of tok", content: "" });
  });

  it("leaves an unclosed block that holds markup whole, for the dialect that knows its action tags", () => {
    const text = '<think>crop it\n<tool_call>{"name": "code", "arguments": {"code": "1"}}</tool_call>';
    expect(splitThinking(text)).toEqual({ content: text });
    expect(splitThinking("<think>a\n<code>\n```python\nprint(1)\n```")).toEqual({
      content: "<think>a\n<code>\n```python\nprint(1)\n```",
    });
  });

  it("leaves content without think tags alone, including a later <think> mention", () => {
    expect(splitThinking("plain answer")).toEqual({ content: "plain answer" });
    expect(splitThinking("say <think> then </think>")).toEqual({ content: "say <think> then </think>" });
  });
});

describe("ThinkStreamRouter", () => {
  function route(deltas: string[]) {
    const text: string[] = [];
    const reasoning: string[] = [];
    const router = new ThinkStreamRouter(
      (delta) => text.push(delta),
      (delta) => reasoning.push(delta),
    );
    for (const delta of deltas) router.push(delta);
    router.flush();
    return { text: text.join(""), reasoning: reasoning.join("") };
  }

  it("routes a think block split at awkward places", () => {
    expect(route(["<th", "ink>abc</", "thi", "nk>done"])).toEqual({ reasoning: "abc", text: "done" });
  });

  it("passes plain text straight through", () => {
    expect(route(["<b>", "x</b>"])).toEqual({ reasoning: "", text: "<b>x</b>" });
  });

  it("agrees with splitThinking for any chunking of an explicit think block", () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 30 }).filter((s) => !s.includes("<") && !s.includes(">")),
        fc.string({ maxLength: 30 }),
        fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 20 }),
        (thought, answer, sizes) => {
          const whole = `<think>${thought}</think>${answer}`;
          const deltas: string[] = [];
          let at = 0;
          for (let index = 0; at < whole.length; index++) {
            const size = sizes[index % sizes.length]!;
            deltas.push(whole.slice(at, at + size));
            at += size;
          }
          const routed = route(deltas);
          expect(routed.reasoning).toBe(thought);
          expect(routed.text).toBe(answer);
        },
      ),
    );
  });
});
