import { describe, expect, it } from "vitest";
import type { EvalResult } from "../../store/eval-store.js";
import { mcnemarExact } from "./mcnemar.js";
import { compareResults } from "./paired-comparison.js";

describe("McNemar's exact test", () => {
  // Reference values: 2·Σ_{i≤min(b,c)} C(b+c, i) / 2^(b+c), computed exactly (Python's math.comb).
  it.each([
    [0, 5, 0.0625],
    [1, 9, 0.021484375],
    [10, 20, 0.09873714670538902],
    [3, 3, 1],
    [0, 0, 1],
    [200, 260, 0.005883922473103979],
  ])("b=%i, c=%i gives p=%f", (b, c, p) => {
    expect(mcnemarExact(b, c)).toBeCloseTo(p, 12);
    expect(mcnemarExact(c, b)).toBeCloseTo(p, 12);
  });

  it("stays finite for thousands of discordant pairs", () => {
    const p = mcnemarExact(4_000, 4_300);
    expect(Number.isFinite(p) && p > 0 && p < 0.05).toBe(true);
  });
});

describe("compareResults", () => {
  const result = (itemId: string, correct: boolean, status: EvalResult["status"] = "done"): EvalResult => ({
    evalId: "e",
    variant: "default",
    itemId,
    position: 0,
    status,
    attempts: 1,
    startedAt: "",
    correct,
  });

  it("counts the flips each way on the items both finished", () => {
    const a = [
      result("1", true),
      result("2", true),
      result("3", false),
      result("4", false),
      result("5", true),
      result("6", true, "running"),
    ];
    const b = [
      result("1", true),
      result("2", false),
      result("3", true),
      result("4", false),
      result("6", false),
    ];
    const comparison = compareResults(a, b, { a: "A", b: "B" });
    expect(comparison).toMatchObject({
      paired: 4,
      bothRight: 1,
      bothWrong: 1,
      onlyA: ["2"],
      onlyB: ["3"],
      accuracyA: 0.5,
      accuracyB: 0.5,
    });
    expect(comparison.pValue).toBe(1);
  });
});
