import { describe, expect, it } from "vitest";
import type { ImageRecord } from "../data/run-data.js";
import { highlightPython } from "./highlight-python.js";
import { imageLabel, imageTree } from "./image-tree.js";
import { stepTimings } from "./step-timing.js";

const record = (id: string, parent?: string, label?: string): ImageRecord => ({
  id,
  label: id,
  mime: "image/png",
  width: 1,
  height: 1,
  byteLength: 1,
  provenance: parent
    ? {
        kind: "tool",
        tool: "crop",
        operation: "crop",
        parameters: label ? { label } : {},
        parent,
        callId: "c",
        step: 1,
      }
    : { kind: "input", source: "in.png" },
});

describe("imageTree", () => {
  it("puts each derived image under the one it was made from", () => {
    const tree = imageTree([record("in"), record("a", "in"), record("b", "a"), record("c", "in")]);
    expect(tree.map((node) => node.image.id)).toEqual(["in"]);
    expect(tree[0]!.children.map((node) => node.image.id)).toEqual(["a", "c"]);
    expect(tree[0]!.children[0]!.children.map((node) => node.image.id)).toEqual(["b"]);
  });

  it("keeps an image whose parent is unknown, or in a cycle, at the top", () => {
    const tree = imageTree([record("x", "y"), record("y", "x"), record("o", "gone")]);
    expect(tree.map((node) => node.image.id).sort()).toEqual(["o", "y"]);
  });

  it("labels a crop with the model's own label", () => {
    expect(imageLabel(record("a", "in", "sign"))).toBe("a: sign");
    expect(imageLabel(record("in"))).toBe("in");
  });
});

describe("highlightPython", () => {
  it("marks keywords, strings, comments and numbers, and joins back to the source", () => {
    const source = "def f(x):\n    return x + 1  # one\nprint(\"a # not a comment\", '''b''')\n";
    const tokens = highlightPython(source);
    expect(tokens.map((token) => token.text).join("")).toBe(source);
    const of = (kind: string) => tokens.filter((token) => token.kind === kind).map((token) => token.text);
    expect(of("keyword")).toEqual(["def", "return"]);
    expect(of("comment")).toEqual(["# one"]);
    expect(of("string")).toEqual(['"a # not a comment"', "'''b'''"]);
    expect(of("number")).toEqual(["1"]);
    expect(of("builtin")).toEqual(["print"]);
  });
});

describe("stepTimings", () => {
  it("sums each step's call durations and scales the bars to the slowest step", () => {
    const step = (index: number, model: number, tools: number[]) =>
      ({
        index,
        modelDurationMs: model,
        observations: tools.map((durationMs) => ({ durationMs })),
        usage: { promptTokens: 10, completionTokens: 5 },
      }) as never;
    const timings = stepTimings([step(1, 100, [50, 50]), step(2, 50, [])]);
    expect(timings[0]).toMatchObject({
      modelMs: 100,
      toolMs: 100,
      tokens: 15,
      modelShare: 0.5,
      toolShare: 0.5,
    });
    expect(timings[1]).toMatchObject({ modelMs: 50, toolMs: 0, modelShare: 0.25 });
  });
});
