import { LoupeError } from "../core/errors.js";
import type { EvalItem } from "./eval-item.js";
import type { Judge } from "./judges/judge.js";
import { scoringFor } from "./scorer-registry.js";
import type { ScoredItem } from "./scorers/scorer.js";
import type { ScoredPair, ScoreSummary } from "./summaries/score-summary.js";

/**
 * Scores predictions made anywhere against a benchmark's items, without running a model: each
 * item with a prediction goes through the benchmark's scorer (judge scorers a few at a time),
 * then its summary. Items are reported in the data's order.
 */
export interface ScoreOptions {
  benchmark: string;
  /** A registered scorer replacing the benchmark's own (`--scorer`). */
  scorer?: string;
  strict?: boolean;
  judge?: Judge;
  /** Judge calls in flight at once; default 8. */
  judgeConcurrency?: number;
  signal?: AbortSignal;
  onItem?: (done: number, total: number) => void;
}

export interface ScoreReport {
  summary: ScoreSummary;
  items: ScoredItem[];
  /** Items of the data without a prediction. */
  missing: string[];
  /** Prediction ids that are no item of the data (ignored). */
  unknown: string[];
}

export async function scorePredictions(
  items: readonly EvalItem[],
  predictions: ReadonlyMap<string, string>,
  options: ScoreOptions,
): Promise<ScoreReport> {
  const scoring = scoringFor(options.benchmark, options.scorer);
  if (scoring.scorer.needsJudge && !options.judge) {
    throw new LoupeError(
      "config",
      `${options.benchmark} is scored by an LLM judge (${scoring.scorer.name}): give the judge model with --judge-model and --judge-base-url.`,
    );
  }
  const context = { strict: options.strict ?? false, judge: options.judge, signal: options.signal };
  const known = new Set(items.map((item) => item.id));
  const unknown = [...predictions.keys()].filter((id) => !known.has(id));
  const answered = items.filter((item) => predictions.has(item.id));
  const missing = items.filter((item) => !predictions.has(item.id)).map((item) => item.id);
  const scores = new Map<string, ScoredItem>();

  if (scoring.scorer.needsJudge) {
    let next = 0;
    const worker = async () => {
      while (next < answered.length) {
        options.signal?.throwIfAborted();
        const item = answered[next++]!;
        scores.set(item.id, await scoring.scorer.score(item, predictions.get(item.id)!, context));
        options.onItem?.(scores.size, answered.length);
      }
    };
    const workers = Math.max(1, Math.min(options.judgeConcurrency ?? 8, answered.length));
    await Promise.all(Array.from({ length: workers }, worker));
  } else {
    for (const item of answered) {
      const scored = scoring.scorer.score(item, predictions.get(item.id)!, context);
      scores.set(item.id, scored instanceof Promise ? await scored : scored);
    }
  }

  const pairs: ScoredPair[] = [];
  const reported: ScoredItem[] = [];
  for (const item of items) {
    const score =
      scores.get(item.id) ??
      (scoring.missingCounted
        ? { id: item.id, correct: false, score: 0, why: "no prediction (counted as 0, as upstream does)" }
        : undefined);
    if (!score) continue;
    pairs.push({ item, score });
    reported.push(score);
  }
  const figures = scoring.summary(pairs);
  return {
    summary: {
      benchmark: options.benchmark,
      scorer: scoring.scorer.name,
      ...figures,
      scored: answered.length,
      missing: missing.length,
      missingCounted: scoring.missingCounted,
      judgeFailures: reported.filter((score) => score.judgeError !== undefined).map((score) => score.id),
    },
    items: reported,
    missing,
    unknown,
  };
}
