import type { CategoryOf } from "./accuracy-summary.js";
import { accuracySummary } from "./accuracy-summary.js";
import type { ScoredPair, Summarizer } from "./score-summary.js";

/**
 * SimpleQA's aggregate (simple-evals simpleqa_eval.py): the fractions correct, incorrect and not
 * attempted; accuracy given attempted = correct / (correct + incorrect) (0 when nothing was
 * attempted); F1 = the harmonic mean of correct and accuracy given attempted. The headline is
 * the fraction correct. An item whose judge failed counts as attempted and incorrect.
 */
export function simpleqaMetrics(pairs: readonly ScoredPair[]): Record<string, number> {
  const n = pairs.length;
  if (n === 0) return { correct: 0, incorrect: 0, notAttempted: 0, accuracyGivenAttempted: 0, f1: 0 };
  const correct = pairs.filter((pair) => pair.score.correct).length / n;
  const notAttempted = pairs.filter((pair) => pair.score.attempted === false).length / n;
  const incorrect = 1 - correct - notAttempted;
  const attempted = correct + incorrect;
  const accuracyGivenAttempted = attempted > 0 ? correct / attempted : 0;
  const f1 =
    accuracyGivenAttempted + correct > 0
      ? (2 * accuracyGivenAttempted * correct) / (accuracyGivenAttempted + correct)
      : 0;
  return { correct, incorrect, notAttempted, accuracyGivenAttempted, f1 };
}

export function simpleqaSummary(categoryOf?: CategoryOf): Summarizer {
  const accuracy = accuracySummary(categoryOf);
  return (pairs) => {
    const base = accuracy(pairs);
    return {
      ...base,
      measure: "fraction correct (SimpleQA grades)",
      metrics: { ...base.metrics, ...simpleqaMetrics(pairs) },
    };
  };
}
