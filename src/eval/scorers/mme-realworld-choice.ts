import { firstTagContent, pythonSplit, pythonStrip } from "./answer-tags.js";

/**
 * `extract_characters_regex` in its two released forms.
 *
 * MME-RealWorld's own `evaluation/eval_your_results.py`: its prefix list lacks two commas, so
 * Python joins "The best option is" + "The correct option is" and "Best answer:" + "Best option:"
 * into single strings that never occur; "Best answer: C" therefore keeps its "B" and reads as B.
 * VLMEvalKit's copy (vlmeval/dataset/utils/multiple_choice.py) has the commas, and its
 * MME-RealWorld and TreeBench evaluations first take the `<answer>` content, upper-cased.
 *
 * Both then: more than 10 words and no capital A–E: no answer; else the first capital A–E
 * anywhere (so "Based on the image" reads as B); else the first choice string that contains the
 * whole (lower-cased) response, its second character being the letter: an empty response is
 * contained in every choice and reads as A.
 */
const ownPrefixes = [
  "The best answer is",
  "The correct answer is",
  "The answer is",
  "The answer",
  "The best option isThe correct option is",
  "Best answer:Best option:",
];
const vlmevalkitPrefixes = [
  "The best answer is",
  "The correct answer is",
  "The answer is",
  "The answer",
  "The best option is",
  "The correct option is",
  "Best answer:",
  "Best option:",
];
/** VLMEvalKit's default `choices`: the bare markers, not the option texts. */
export const markerChoices = ["(A)", "(B)", "(C)", "(D)", "(E)"];

function extract(response: string, prefixes: readonly string[], choices: readonly string[]): string {
  let text = pythonStrip(response);
  for (const prefix of prefixes) text = text.split(prefix).join("");
  const letter = /[ABCDE]/.exec(text);
  if (pythonSplit(text).length > 10 && letter === null) return "";
  if (letter === null) {
    const lowered = text.toLowerCase();
    for (const choice of choices) {
      if (choice.toLowerCase().includes(lowered)) return [...choice][1] ?? "";
    }
    return "";
  }
  return letter[0];
}

/** MME-RealWorld's own script; `choices` are the release's "Answer choices" ("(A) text", ...). */
export function extractOwn(response: string, choices: readonly string[]): string {
  return extract(response, ownPrefixes, choices);
}

/** VLMEvalKit's MME-RealWorld / TreeBench reading: `<answer>` content upper-cased, then extract. */
export function extractVlmevalkit(response: string): string {
  const tagged = firstTagContent(response, "answer");
  const text = tagged === undefined ? response : pythonStrip(tagged).toUpperCase();
  return extract(text, vlmevalkitPrefixes, markerChoices);
}

/**
 * The strict reading (`--strict`): the `<answer>` content if any, the prefixes removed, then a
 * letter A–E standing alone as a word; no letter taken from inside a word, nothing read from an
 * empty response.
 */
export function extractStrict(response: string): string {
  const tagged = firstTagContent(response, "answer");
  let text = pythonStrip(tagged ?? response);
  for (const prefix of vlmevalkitPrefixes) text = text.split(prefix).join("");
  const letters = [...text.matchAll(/(?<![\p{L}\p{N}_])([A-E])(?![\p{L}\p{N}_])/gu)].map((match) => match[1]);
  return letters.length > 0 ? letters[0]! : "";
}
