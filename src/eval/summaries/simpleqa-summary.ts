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

/**
 * SimpleVQA's simpleVQA_eval.py: the same figures, but the three fractions and their sum are
 * rounded to 4 places first, and accuracy given attempted and F1 are computed from the rounded
 * values.
 */
export function simplevqaMetrics(pairs: readonly ScoredPair[]): Record<string, number> {
  const round = (value: number) => Math.round(value * 10_000) / 10_000;
  const exact = simpleqaMetrics(pairs);
  const correct = round(exact.correct!);
  const incorrect = round(exact.incorrect!);
  const notAttempted = round(exact.notAttempted!);
  const attempted = round(correct + incorrect);
  const accuracyGivenAttempted = attempted > 0 ? correct / attempted : 0;
  const f1 =
    accuracyGivenAttempted + correct > 0
      ? (2 * accuracyGivenAttempted * correct) / (accuracyGivenAttempted + correct)
      : 0;
  return { correct, incorrect, notAttempted, accuracyGivenAttempted, f1 };
}

export function simpleqaSummary(categoryOf?: CategoryOf, metrics = simpleqaMetrics): Summarizer {
  const accuracy = accuracySummary(categoryOf);
  return (pairs) => {
    const base = accuracy(pairs);
    return {
      ...base,
      measure: "fraction correct (SimpleQA grades)",
      metrics: { ...base.metrics, ...metrics(pairs) },
    };
  };
}

/**
 * LiveVQA's statistics: items whose judge gave no A/B/C (or failed) are left out of every
 * figure; the headline is A / (A + B + C), `accuracyGivenAttempted` its A / (A + B).
 */
export function livevqaSummary(categoryOf?: CategoryOf): Summarizer {
  const inner = simpleqaSummary(categoryOf);
  return (pairs) => {
    const graded = pairs.filter(
      (pair) => pair.score.judge?.[0]?.verdict !== "error" && pair.score.judgeError === undefined,
    );
    const figures = inner(graded);
    return {
      ...figures,
      measure: "A / (A + B + C), judge errors left out",
      metrics: { ...figures.metrics, judgeErrors: pairs.length - graded.length },
    };
  };
}
