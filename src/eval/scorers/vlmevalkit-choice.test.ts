import { describe, expect, it } from "vitest";
import { canInfer, lettersFor } from "./vlmevalkit-choice.js";
import { canInferStrict } from "./vlmevalkit-mcq-scorer.js";

/**
 * (response, what VLMEvalKit's can_infer returns): each row was checked against upstream's
 * matching_util.py run in Python on the same options.
 */
const choices = { A: "red car", B: "blue bus", C: "green tram", D: "white van" };
const table: [string, string | false][] = [
  ["B", "B"],
  ["(B)", "B"],
  ["The answer is B.", "B"],
  ["B. blue bus", "B"],
  // Two letters as words: the "answer is X" pattern decides.
  ["I think the answer is B because A is wrong", "B"],
  ["A or B", false],
  ["Answer: C", "C"],
  // Quirk: the pattern is case-insensitive, letter included.
  ["the answer is c", "C"],
  // Quirk: nothing needs to follow the letter, so "definitely" reads as D.
  ["The answer is definitely the van", "D"],
  ["It is the blue bus", "B"],
  ["blue bus or green tram", false],
  ["Z", "Z"],
  ["Cannot determine the answer from the image", "Z"],
  ["Failed to obtain answer via API", false],
  ["**C**", "C"],
  // No <answer> handling: the tag is one word with the letter inside.
  ["<answer>B</answer>", false],
  // The only letter is too far from the end (its first occurrence must be in the last four words).
  ["B is correct, as the picture shows a bus clearly in the middle", false],
  // Quirk: the article "A" is a letter (the VERBOSE-only warning is off by default).
  ["A bus", "A"],
  ["The correct answer is **D**", "D"],
  ["E", false],
  ["", false],
  // The pattern only knows A–D.
  ["The answer is E", false],
  // Longer than twice the options' text: option texts are not looked for.
  ["the blue bus ".repeat(10), false],
  ["Option {C}", "C"],
  ["[D]", "D"],
];

describe("canInfer (VLMEvalKit exact matching)", () => {
  it.each(table)("%j → %j", (response, expected) => {
    expect(canInfer(response, choices)).toBe(expected);
  });

  it("builds letters from the options in order", () => {
    expect(lettersFor(["x", "y", "z"])).toEqual({ A: "x", B: "y", C: "z" });
  });
});

describe("canInferStrict", () => {
  it.each([
    ["The answer is definitely the van", false],
    // The strict pattern wants a capital letter standing alone.
    ["the answer is c", false],
    ["The answer is C, the tram", "C"],
    ["<answer>B</answer>", "B"],
    ["The answer is D.", "D"],
  ] as [string, string | false][])("%j → %j", (response, expected) => {
    expect(canInferStrict(response, choices)).toBe(expected);
  });
});
