import { lastTagContent, pythonStrip } from "./answer-tags.js";
import type { ScoredItem, Scorer } from "./scorer.js";
import { squadNormalize } from "./squad-normalize.js";

/**
 * FVQA's rule score, MMSearch-R1's `compute_score` (mmsearch_r1/utils/reward_score_mm/
 * mmsearch_r1_score.py) without the format and search terms: the last `<answer>…</answer>` of the
 * final turn (none: 0), normalised, equal to a normalised gold (`reward_mode` EM, the default).
 * The SubEM reading (a normalised gold inside the normalised answer; an empty gold is inside
 * everything) is reported beside it as `substringMatch`.
 */
export function exactMatch(prediction: string, golds: readonly string[]): boolean {
  const normalized = squadNormalize(prediction);
  return golds.some((gold) => squadNormalize(gold) === normalized);
}

export function substringMatch(prediction: string, golds: readonly string[]): boolean {
  const normalized = squadNormalize(prediction);
  return golds.some((gold) => normalized.includes(squadNormalize(gold)));
}

export const fvqaScorer: Scorer = {
  name: "fvqa-exact-match",
  upstream: "EvolvingLMMs-Lab/multimodal-search-r1 mmsearch_r1/utils/reward_score_mm/mmsearch_r1_score.py",
  needsJudge: false,
  hasStrict: false,
  score(item, response): ScoredItem {
    const golds = [item.answer, ...(item.aliases ?? [])];
    const tagged = lastTagContent(response, "answer");
    if (tagged === undefined) {
      return {
        id: item.id,
        correct: false,
        score: 0,
        why: "no <answer>…</answer> in the response (scored 0)",
        metrics: { substringMatch: 0 },
      };
    }
    const answer = pythonStrip(tagged);
    const exact = exactMatch(answer, golds);
    const substring = substringMatch(answer, golds);
    return {
      id: item.id,
      extracted: answer,
      correct: exact,
      score: exact ? 1 : 0,
      why: exact
        ? "normalised answer equals a gold answer"
        : substring
          ? "a gold answer is inside the answer (substring match only)"
          : "no gold answer matches",
      metrics: { substringMatch: substring ? 1 : 0 },
    };
  },
};
