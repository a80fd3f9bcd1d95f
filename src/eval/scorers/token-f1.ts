import { squadTokens } from "./squad-normalize.js";

/**
 * Token F1 as MMSearch's score/f1_score.py `get_f1_score` computes it (from RQ-RAG, itself
 * SQuAD's): bags of normalised tokens; when either side has no tokens, 1 if both are empty, else 0.
 */
export function tokenF1(prediction: string, gold: string): number {
  const goldTokens = squadTokens(gold);
  const predictionTokens = squadTokens(prediction);
  if (goldTokens.length === 0 || predictionTokens.length === 0) {
    return goldTokens.length === predictionTokens.length ? 1 : 0;
  }
  const counts = new Map<string, number>();
  for (const token of goldTokens) counts.set(token, (counts.get(token) ?? 0) + 1);
  let same = 0;
  for (const token of predictionTokens) {
    const left = counts.get(token) ?? 0;
    if (left > 0) {
      same++;
      counts.set(token, left - 1);
    }
  }
  if (same === 0) return 0;
  const precision = same / predictionTokens.length;
  const recall = same / goldTokens.length;
  return (2 * precision * recall) / (precision + recall);
}

/**
 * eval_end2end.py: F1 against `gt_answer`, replaced by an alternative's only when strictly higher
 * (the same maximum, but the gold it came from is the first best).
 */
export function bestTokenF1(prediction: string, golds: readonly string[]): { f1: number; gold: string } {
  let best = { f1: tokenF1(prediction, golds[0] ?? ""), gold: golds[0] ?? "" };
  for (const gold of golds.slice(1)) {
    const f1 = tokenF1(prediction, gold);
    if (f1 > best.f1) best = { f1, gold };
  }
  return best;
}
