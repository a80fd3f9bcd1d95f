import { pythonLength, pythonSplit } from "./answer-tags.js";

/**
 * VLMEvalKit's option-letter extraction under the `exact_matching` policy
 * (vlmeval/utils/matching_util.py: `can_infer_option`, `can_infer_text`, `can_infer`), rule for
 * rule. `choices` maps letters to option texts in order (A, B, ...). The result is a letter, `Z`
 * (the answer refuses or names Z) or `false` (nothing found: under exact matching VLMEvalKit then
 * records Z, i.e. wrong).
 */
export type Choices = Readonly<Record<string, string>>;
export type Inferred = string | false;

const apiFailure = "Failed to obtain answer via API";
const refusals = [
  "Sorry, I can't help with images of people yet.",
  "I can't process this file.",
  "I'm sorry, but without the image provided",
  "Cannot determine the answer",
];
/** Punctuation that `can_infer_option` turns into spaces before splitting. */
const separators = /[.()[\],:;!*#{}]/g;
/**
 * `(?i)(?:correct\s+)?answer\s+is\s+\**([ABCD])\**`: case-insensitive as a whole, so the letter
 * may be lower case, and nothing follows it, so "the answer is definitely" yields D.
 */
const verboseAnswer = /(?:correct\s+)?answer\s+is\s+\**([ABCD])\**/i;

/**
 * `verbose` is the "answer is X" pattern tried last; `--strict` passes one without the quirks
 * (scorers/vlmevalkit-mcq-scorer.ts).
 */
export function canInferOption(answer: string, choices: Choices, verbose: RegExp = verboseAnswer): Inferred {
  if (answer.includes(apiFailure)) return false;
  if (refusals.some((refusal) => answer.includes(refusal))) return "Z";
  const splits = pythonSplit(answer.replace(separators, " "));
  const letters = Object.keys(choices);
  const present = letters.filter((letter) => splits.includes(letter));
  if (present.length === 1) {
    // Only one letter appears; it counts when its first occurrence is among the last four words.
    for (const letter of letters) {
      if (splits.includes(letter) && splits.indexOf(letter) > splits.length - 5) return letter;
    }
  } else if (present.length === 0 && splits.includes("Z")) {
    return "Z";
  }
  const letter = verbose.exec(answer)?.[1]?.toUpperCase();
  if (letter !== undefined && letter in choices) return letter;
  return false;
}

/**
 * The option whose text appears in the (lower-cased) answer, when exactly one does; answers longer
 * than twice all options' text together are not read.
 */
export function canInferText(answer: string, choices: Choices): Inferred {
  const lowered = answer.toLowerCase();
  const optionsLength = Object.values(choices).reduce((sum, text) => sum + pythonLength(text), 0);
  if (pythonLength(lowered) > 2 * optionsLength) return false;
  const candidates = Object.entries(choices)
    .filter(([, text]) => lowered.includes(text.toLowerCase()))
    .map(([letter]) => letter);
  return candidates.length === 1 ? candidates[0]! : false;
}

export function canInfer(answer: string, choices: Choices): Inferred {
  return canInferOption(answer, choices) || canInferText(answer, choices);
}

/** Letters A, B, ... for an item's options, as `build_choices` reads the TSV's columns. */
export function lettersFor(options: readonly string[]): Record<string, string> {
  const choices: Record<string, string> = {};
  options.forEach((text, index) => {
    choices[String.fromCharCode(65 + index)] = text;
  });
  return choices;
}
