import { describe, expect, it } from "vitest";
import { extractOwn, extractStrict, extractVlmevalkit } from "./mme-realworld-choice.js";

/**
 * (response, MME-RealWorld's own eval_your_results.py, VLMEvalKit's MMERealWorld.evaluate),
 * each checked against the upstream Python on the same "Answer choices".
 */
const answerChoices = ["(A) red car", "(B) blue bus", "(C) green tram", "(D) white van", "(E) black taxi"];
const table: [string, string, string][] = [
  ["B", "B", "B"],
  ["(C)", "C", "C"],
  // The own script's missing commas: "Best answer:" is never removed, so its B is read.
  ["Best answer: C", "B", "C"],
  ["The best answer is D", "D", "D"],
  // The first capital A–E anywhere: the B of "Based".
  ["Based on the image, the answer is C", "B", "B"],
  // An empty response is inside every choice: A.
  ["", "A", "A"],
  ["a", "A", "A"],
  // The own script matches the response inside the option texts; VLMEvalKit only inside "(A)".
  ["red car", "A", ""],
  ["the vehicle in the picture is clearly one that has a colour I cannot name", "", ""],
  // VLMEvalKit reads <answer> and upper-cases it; the own script does neither.
  ["<answer>d</answer>", "", "D"],
  // ... so "the cat" becomes "THE CAT", whose first A–E is the E of "THE".
  ["<answer>the cat</answer>", "", "E"],
  ["The best option is E", "E", "E"],
  ["i think it is e", "", ""],
  ["x", "E", ""],
  ["blue", "B", ""],
];

describe("extract_characters_regex", () => {
  it.each(table)("%j → own %j, VLMEvalKit %j", (response, own, vlmevalkit) => {
    expect(extractOwn(response, answerChoices)).toBe(own);
    expect(extractVlmevalkit(response)).toBe(vlmevalkit);
  });

  it.each([
    ["Best answer: C", "C"],
    ["Based on the image, the answer is C", "C"],
    ["", ""],
    ["<answer>the cat</answer>", ""],
    ["<answer>d</answer>", ""],
    ["(D) white van", "D"],
  ])("strict reads %j as %j", (response, expected) => {
    expect(extractStrict(response)).toBe(expected);
  });
});
