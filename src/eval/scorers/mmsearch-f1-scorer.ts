import type { ScoredItem, Scorer } from "./scorer.js";
import { bestTokenF1 } from "./token-f1.js";

/**
 * MMSearch end2end: the whole prediction (MMSearch's prompt asks for the answer alone; nothing is
 * extracted) against `gt_answer` and `alternative_gt_answers` (the item's answer and aliases).
 * `correct` means F1 = 1; the benchmark's figure is the mean F1 (summaries report `meanScore`).
 */
export const mmsearchF1Scorer: Scorer = {
  name: "mmsearch-f1",
  upstream: "CaraJ7/MMSearch score/f1_score.py (get_f1_score), eval_end2end.py (max over alternatives)",
  needsJudge: false,
  hasStrict: false,
  score(item, response): ScoredItem {
    const { f1, gold } = bestTokenF1(response, [item.answer, ...(item.aliases ?? [])]);
    return {
      id: item.id,
      extracted: response.trim(),
      correct: f1 === 1,
      score: f1,
      why: `token F1 ${f1.toFixed(3)} against "${gold}"`,
    };
  },
};
