import type { EvalResult, EvaluationRecord } from "../../store/eval-store.js";
import type { EvalItem } from "../eval-item.js";
import { scoringFor } from "../scorer-registry.js";
import type { ScoredItem } from "../scorers/scorer.js";
import type { ScoredPair, ScoreSummary } from "../summaries/score-summary.js";
import { type Distribution, distribution } from "./distribution.js";
import { type ToolStats, toolStats } from "./tool-stats.js";

/** One variant's figures (`default`, or `direct` and `tools` in an ablation). */
export interface VariantReport {
  variant: string;
  /** The benchmark's own figures: overall and per category, each with its Wald 95% interval. */
  summary: Omit<ScoreSummary, "missing" | "missingCounted">;
  finished: number;
  failed: number;
  /** Items not finished yet (the evaluation was stopped; `--resume` goes on). */
  pending: number;
  tools: ToolStats;
  latencyMs: Distribution;
  tokens: { prompt: Distribution; completion: Distribution; total: number };
  costUsd: number;
  /** Ids of the items whose run failed after its retries, with the error. */
  failures: { id: string; error: string }[];
}

export interface EvalReport {
  evalId: string;
  name?: string;
  benchmark: string;
  createdAt: string;
  model?: string;
  dialect?: string;
  items: number;
  variants: VariantReport[];
}

/** An item as far as the summaries need it, rebuilt from its stored result (no data file needed). */
export function itemOfResult(result: EvalResult, benchmark: string): EvalItem {
  return {
    id: result.itemId,
    benchmark,
    question: "",
    answer: "",
    images: [],
    ...(result.category === undefined ? {} : { category: result.category }),
    ...(result.subcategory === undefined ? {} : { subcategory: result.subcategory }),
    meta: result.meta ?? {},
  };
}

export function scoredOfResult(result: EvalResult): ScoredItem {
  if (result.scored) return result.scored as unknown as ScoredItem;
  return {
    id: result.itemId,
    correct: result.correct ?? false,
    score: result.score ?? 0,
    why: result.error ?? "no score",
  };
}

/** The report of an evaluation from its stored results. */
export function buildReport(evaluation: EvaluationRecord, results: readonly EvalResult[]): EvalReport {
  const settings = evaluation.settings as {
    variants?: string[];
    scorer?: string;
    model?: string;
    dialect?: string;
  };
  const variants = settings.variants ?? [...new Set(results.map((result) => result.variant))];
  const scoring = scoringFor(evaluation.benchmark, settings.scorer);
  return {
    evalId: evaluation.id,
    ...(evaluation.name ? { name: evaluation.name } : {}),
    benchmark: evaluation.benchmark,
    createdAt: evaluation.createdAt,
    ...(settings.model ? { model: settings.model } : {}),
    ...(settings.dialect ? { dialect: settings.dialect } : {}),
    items: evaluation.items.length,
    variants: variants.map((variant) => {
      const own = results.filter((result) => result.variant === variant);
      const finished = own.filter((result) => result.status !== "running");
      const pairs: ScoredPair[] = finished.map((result) => ({
        item: itemOfResult(result, evaluation.benchmark),
        score: scoredOfResult(result),
      }));
      const figures = scoring.summary(pairs);
      const failures = finished
        .filter((result) => result.status === "error")
        .map((result) => ({ id: result.itemId, error: result.error ?? "error" }));
      return {
        variant,
        summary: {
          benchmark: evaluation.benchmark,
          scorer: scoring.scorer.name,
          ...figures,
          scored: pairs.length,
          judgeFailures: pairs
            .filter((pair) => pair.score.judgeError !== undefined)
            .map((pair) => pair.item.id),
        },
        finished: finished.length,
        failed: failures.length,
        pending: evaluation.items.length - finished.length,
        tools: toolStats(finished),
        latencyMs: distribution(
          finished.flatMap((result) => (result.wallMs === undefined ? [] : [result.wallMs])),
        ),
        tokens: {
          prompt: distribution(finished.map((result) => result.promptTokens ?? 0)),
          completion: distribution(finished.map((result) => result.completionTokens ?? 0)),
          total: finished.reduce(
            (sum, result) => sum + (result.promptTokens ?? 0) + (result.completionTokens ?? 0),
            0,
          ),
        },
        costUsd: finished.reduce((sum, result) => sum + (result.costUsd ?? 0), 0),
        failures,
      };
    }),
  };
}
