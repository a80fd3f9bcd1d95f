import { LoupeError } from "../../core/errors.js";
import type { EvalItem } from "../eval-item.js";
import { firstTagContent } from "./answer-tags.js";
import type { ScoredItem, Scorer } from "./scorer.js";
import {
  type Choices,
  canInfer,
  canInferOption,
  canInferText,
  type Inferred,
  lettersFor,
} from "./vlmevalkit-choice.js";

/**
 * Multiple choice as VLMEvalKit scores it with `--judge exact_matching` (`mcq_vanilla_eval` →
 * `extract_answer_from_item` → `can_infer`): the whole prediction is read (no `<answer>`
 * handling unless SPLIT_THINK was set); nothing found is Z, which is wrong. V* and HR-Bench use
 * this; HR-Bench then averages over cycles (summaries/hrbench-cycle-summary.ts).
 */
export function choicesOf(item: EvalItem): Choices {
  if (!item.choices || item.choices.length === 0) {
    throw new LoupeError("eval-data", `Item ${item.id} of ${item.benchmark} has no options to choose from.`);
  }
  return lettersFor(item.choices);
}

/**
 * The strict variant fixes two quirks of `can_infer_option`'s "answer is X" pattern: its letter
 * may be lower case and may be the first letter of a word ("the answer is definitely" → D), and
 * it only knows A–D. It also reads the `<answer>` content when there is one.
 */
const strictVerbose = /(?:[Cc]orrect\s+)?[Aa]nswer\s+is\s+\**([A-Z])\**(?![\p{L}\p{N}_])/u;

export function canInferStrict(response: string, choices: Choices): Inferred {
  const answer = firstTagContent(response, "answer")?.trim() ?? response;
  return canInferOption(answer, choices, strictVerbose) || canInferText(answer, choices);
}

function describe(extracted: Inferred, gold: string): string {
  if (extracted === false)
    return `no option letter or option text found (VLMEvalKit records Z); gold ${gold}`;
  if (extracted === "Z") return `the answer refuses or names Z; gold ${gold}`;
  return extracted === gold ? `read ${extracted}, the gold letter` : `read ${extracted}; gold ${gold}`;
}

export const vlmevalkitMcqScorer: Scorer = {
  name: "vlmevalkit-mcq",
  upstream: "open-compass/VLMEvalKit vlmeval/utils/matching_util.py (can_infer), exact_matching",
  needsJudge: false,
  hasStrict: true,
  score(item, response, context): ScoredItem {
    const choices = choicesOf(item);
    const gold = item.answer.trim();
    const extracted = canInfer(response, choices);
    const letter = extracted === false ? "Z" : extracted;
    const correct = letter === gold;
    const scored: ScoredItem = {
      id: item.id,
      extracted: letter,
      correct,
      score: correct ? 1 : 0,
      why: describe(extracted, gold),
    };
    if (context.strict) {
      const strict = canInferStrict(response, choices);
      const strictLetter = strict === false ? "Z" : strict;
      scored.strict = {
        correct: strictLetter === gold,
        extracted: strictLetter,
        why: describe(strict, gold),
      };
    }
    return scored;
  },
};
