import type { EvalItem } from "../eval-item.js";
import { extractOwn, extractStrict, extractVlmevalkit } from "./mme-realworld-choice.js";
import type { ScoredItem, Scorer } from "./scorer.js";

/**
 * The release's "Answer choices" strings ("(A) text"), which the own script matches a response
 * against: the loader's `meta.answerChoices` when it kept them, else rebuilt from the options.
 */
export function answerChoicesOf(item: EvalItem): string[] {
  const kept = item.meta.answerChoices;
  if (Array.isArray(kept) && kept.every((choice) => typeof choice === "string")) return kept as string[];
  return (item.choices ?? []).map((text, index) => `(${String.fromCharCode(65 + index)}) ${text}`);
}

function letterScore(item: EvalItem, extracted: string): { correct: boolean; why: string } {
  const gold = item.answer;
  if (extracted === "")
    return { correct: false, why: `no letter could be read (counted as wrong); gold ${gold}` };
  const correct = extracted === gold;
  return { correct, why: correct ? `read ${extracted}, the gold letter` : `read ${extracted}; gold ${gold}` };
}

function scorerWith(
  name: string,
  upstream: string,
  official: (item: EvalItem, response: string) => string,
): Scorer {
  return {
    name,
    upstream,
    needsJudge: false,
    hasStrict: true,
    score(item, response, context): ScoredItem {
      const extracted = official(item, response);
      const { correct, why } = letterScore(item, extracted);
      const scored: ScoredItem = { id: item.id, extracted, correct, score: correct ? 1 : 0, why };
      if (context.strict) {
        const strict = extractStrict(response);
        scored.strict = { extracted: strict, ...letterScore(item, strict) };
      }
      return scored;
    },
  };
}

/** MME-RealWorld (full, CN, Lite) as its own evaluation/eval_your_results.py scores it. */
export const mmeRealWorldScorer = scorerWith(
  "mme-realworld",
  "yfzhang114/MME-RealWorld evaluation/eval_your_results.py (extract_characters_regex)",
  (item, response) => extractOwn(response, answerChoicesOf(item)),
);

/** The same benchmark as VLMEvalKit's MMERealWorld.evaluate scores it (`--scorer mme-realworld-vlmevalkit`). */
export const mmeRealWorldVlmevalkitScorer = scorerWith(
  "mme-realworld-vlmevalkit",
  "open-compass/VLMEvalKit vlmeval/dataset/image_mcq.py MMERealWorld.evaluate",
  (_item, response) => extractVlmevalkit(response),
);
