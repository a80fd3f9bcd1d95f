import { describe, expect, it } from "vitest";
import { RepeatGuard, stableStringify } from "./repeat-guard.js";

describe("RepeatGuard", () => {
  it("allows an action maxRepeats times, ignoring key order, then refuses", () => {
    const guard = new RepeatGuard(2);
    expect(guard.allow("crop", { box: [1, 2, 3, 4], image: "image_1" })).toBe(true);
    expect(guard.allow("crop", { image: "image_1", box: [1, 2, 3, 4] })).toBe(true);
    expect(guard.allow("crop", { box: [1, 2, 3, 4], image: "image_1" })).toBe(false);
    expect(guard.refusals).toBe(1);
    expect(guard.allow("crop", { box: [1, 2, 3, 5], image: "image_1" })).toBe(true);
    expect(guard.allow("rotate", { box: [1, 2, 3, 4], image: "image_1" })).toBe(true);
  });

  it("serializes objects stably", () => {
    expect(stableStringify({ b: 1, a: { d: [1, { f: 2, e: 3 }], c: undefined } })).toBe(
      '{"a":{"d":[1,{"e":3,"f":2}]},"b":1}',
    );
  });
});
