import { describe, expect, it } from "vitest";
import { exactMatch, substringMatch } from "./fvqa-scorer.js";
import { squadNormalize } from "./squad-normalize.js";
import { bestTokenF1, tokenF1 } from "./token-f1.js";

/** (prediction, gold, MMSearch get_f1_score), checked against upstream's Python. */
const table: [string, string, number][] = [
  ["the Eiffel Tower", "Eiffel Tower", 1],
  ["Paris, France", "Paris", 2 / 3],
  ["", "", 1],
  // Articles only: both sides are empty after normalisation, which counts as agreement.
  ["the", "a", 1],
  ["", "x", 0],
  ["x y x", "x x z", 2 / 3],
  // No accent folding.
  ["Café", "cafe", 0],
  ["a b c", "d", 0],
  ["U.S.A.", "usa", 1],
  // Python's \b is Unicode-aware: the "a" in "théa" is not an article.
  ["théa bc", "théa", 2 / 3],
];

describe("token F1 (MMSearch end2end)", () => {
  it.each(table)("%j vs %j → %d", (prediction, gold, expected) => {
    expect(tokenF1(prediction, gold)).toBeCloseTo(expected, 12);
  });

  it("takes the best over the gold answer and its alternatives, the first best winning", () => {
    expect(bestTokenF1("Barack Obama", ["Obama", "Barack Obama", "Barack Hussein Obama"])).toEqual({
      f1: 1,
      gold: "Barack Obama",
    });
    expect(bestTokenF1("nothing", ["a", "b"]).gold).toBe("a");
  });

  it("normalises as SQuAD does: ASCII punctuation only", () => {
    expect(squadNormalize("  The  Louvre, Paris! ")).toBe("louvre paris");
    expect(squadNormalize("巴黎，法国")).toBe("巴黎，法国");
  });

  it("exact and substring match after normalisation (FVQA)", () => {
    expect(exactMatch("The Louvre", ["louvre"])).toBe(true);
    expect(exactMatch("Louvre Museum", ["Louvre"])).toBe(false);
    expect(substringMatch("Louvre Museum", ["Louvre"])).toBe(true);
    // Quirk: an empty gold is inside everything.
    expect(substringMatch("anything", [""])).toBe(true);
  });
});
