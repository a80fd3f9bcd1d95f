import type { EvalItem } from "../eval-item.js";
import type { ScoredItem } from "../scorers/scorer.js";
import type { Estimate } from "./wald-interval.js";

/**
 * What `loupe eval score` reports for a benchmark: the official figure overall and per category,
 * each with its 95% interval, other figures the benchmark reports (`metrics`: F1, mIoU,
 * accuracy given attempted, ...), and the strict variant's figure beside the official one.
 */
export interface ScoreSummary {
  benchmark: string;
  scorer: string;
  /** What `overall.value` is: "accuracy", "mean F1", "cycle-averaged accuracy", ... */
  measure: string;
  overall: Estimate;
  categories: Record<string, Estimate>;
  metrics: Record<string, number>;
  strict?: { overall: Estimate; categories: Record<string, Estimate> };
  /** Items with a prediction that were scored. */
  scored: number;
  /** Items without a prediction; `missingCounted` says whether they are in the figures (as 0). */
  missing: number;
  missingCounted: boolean;
  /** Items whose judge call failed after its retries (counted as wrong, listed by id). */
  judgeFailures: string[];
}

export interface ScoredPair {
  item: EvalItem;
  score: ScoredItem;
}

/** Builds the figures from scored pairs; the runner adds `missing`, `judgeFailures` and `strict`. */
export type Summarizer = (pairs: readonly ScoredPair[]) => Pick<
  ScoreSummary,
  "measure" | "overall" | "categories" | "metrics"
> & {
  strict?: ScoreSummary["strict"];
};
