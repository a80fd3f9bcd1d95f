import { randomUUID } from "node:crypto";
import { setMaxListeners } from "node:events";
import { costUsd, type PriceTable, priceOf } from "../../agent/model-prices.js";
import { describeError } from "../../core/errors.js";
import type { RunCheckpointStore } from "../../core/run-checkpoint.js";
import type { Trajectory } from "../../core/trajectory.js";
import type { EvalResult, EvalStore, EvaluationRecord } from "../../store/eval-store.js";
import type { EvalItem } from "../eval-item.js";
import type { ScoreContext, ScoredItem, Scorer } from "../scorers/scorer.js";
import { EvalProgress, type ProgressSnapshot } from "./eval-progress.js";
import { RequestRate, rateLimitedModel } from "./request-rate.js";
import { planTasks } from "./resume-plan.js";
import { runItem, type VariantParts } from "./run-item.js";

export interface RunEvaluationOptions {
  /** The evaluation: a new one is recorded first; with `resume` it must be in the store. */
  evaluation: EvaluationRecord;
  resume: boolean;
  /** The evaluation's items (at least those `evaluation.items` names). */
  items: ReadonlyMap<string, EvalItem>;
  variants: readonly VariantParts[];
  evals: EvalStore;
  /** Where each item's run (trajectory, images) is stored; its id is in the item's result. */
  runs?: RunCheckpointStore;
  /** Items in flight at once (default 4). */
  concurrency?: number;
  /** Requests per second to the model, across every item in flight. */
  rate?: number;
  /** Attempts after the first for a failed run (default 1). */
  retries?: number;
  itemTimeoutMs?: number;
  /** Redo items that failed after their retries (with `resume`). */
  retryFailed?: boolean;
  scorer: Scorer;
  scoreContext: ScoreContext;
  prices: PriceTable;
  signal: AbortSignal;
  /** After each item's result is committed. */
  onResult?: (result: EvalResult, progress: ProgressSnapshot) => void;
  /** Runs each item's work inside it (the recorded search backend keys its answers by item). */
  aroundItem?: <T>(item: EvalItem, work: () => Promise<T>) => Promise<T>;
}

export interface EvaluationOutcome {
  evalId: string;
  progress: ProgressSnapshot;
  /** Ctrl-C or SIGTERM stopped it; `loupe eval run --resume` goes on. */
  cancelled: boolean;
}

/**
 * Runs an evaluation: every (variant, item) without a finished result in the store goes through
 * the agent, `concurrency` at a time; each result (response, score, timings, tokens, cost, tool
 * calls, the run's id) is committed to the store the moment it is scored, and a `running` row
 * with the run id is committed before the item starts, so a kill loses nothing and a resume
 * redoes only what was in flight, under the same run id.
 */
export async function runEvaluation(options: RunEvaluationOptions): Promise<EvaluationOutcome> {
  const { evaluation, evals } = options;
  if (!options.resume) await evals.createEvaluation(evaluation);
  const existing = options.resume ? await evals.results(evaluation.id) : [];
  const variantNames = options.variants.map((variant) => variant.name);
  const plan = planTasks(evaluation.items, variantNames, existing, randomUUID, {
    retryFailed: options.retryFailed,
  });
  const progress = new EvalProgress(evaluation.items.length * variantNames.length, plan.finished);
  const rate = options.rate === undefined ? undefined : new RequestRate(options.rate);
  const variants = new Map(
    options.variants.map((variant) => [
      variant.name,
      rate
        ? { ...variant, parts: { ...variant.parts, model: rateLimitedModel(variant.parts.model, rate) } }
        : variant,
    ]),
  );
  const around = options.aroundItem ?? (<T>(_item: EvalItem, work: () => Promise<T>) => work());

  let next = 0;
  const worker = async () => {
    while (next < plan.tasks.length && !options.signal.aborted) {
      const task = plan.tasks[next++]!;
      const item = options.items.get(task.itemId);
      const variant = variants.get(task.variant)!;
      const base = {
        evalId: evaluation.id,
        variant: task.variant,
        itemId: task.itemId,
        position: task.position,
        runId: task.runId,
        ...(item?.category ? { category: item.category } : {}),
        ...(item?.subcategory ? { subcategory: item.subcategory } : {}),
        ...(item ? { meta: scalarMeta(item) } : {}),
      };
      const startedAt = new Date().toISOString();
      const started = performance.now();
      if (!item) {
        const result: EvalResult = {
          ...base,
          status: "error",
          attempts: task.attempts,
          startedAt,
          finishedAt: startedAt,
          error: `item ${task.itemId} is not in the data any more`,
        };
        await evals.saveResult(result);
        progress.add(result);
        options.onResult?.(result, progress.snapshot());
        continue;
      }
      await evals.saveResult({ ...base, status: "running", attempts: task.attempts + 1, startedAt });
      const outcome = await around(item, () =>
        runItem(item, {
          variant,
          runId: task.runId,
          ...(options.runs ? { store: options.runs } : {}),
          signal: options.signal,
          ...(options.itemTimeoutMs === undefined ? {} : { itemTimeoutMs: options.itemTimeoutMs }),
          retries: options.retries ?? 1,
        }),
      );
      if (outcome.kind === "cancelled") return;
      const figures = outcome.trajectory ? runFigures(outcome.trajectory, options.prices) : {};
      let result: EvalResult;
      if (outcome.kind === "failed") {
        result = {
          ...base,
          status: "error",
          attempts: task.attempts + outcome.attempts,
          startedAt,
          finishedAt: new Date().toISOString(),
          wallMs: Math.round(performance.now() - started),
          correct: false,
          score: 0,
          error: outcome.error,
          ...figures,
        };
      } else {
        const response = outcome.trajectory.answer;
        const scored = await scoreResponse(
          options.scorer,
          item,
          response,
          outcome.trajectory,
          options.scoreContext,
        );
        if (options.signal.aborted && scored === undefined) return;
        result = {
          ...base,
          status: "done",
          attempts: task.attempts + outcome.attempts,
          startedAt,
          finishedAt: new Date().toISOString(),
          wallMs: Math.round(performance.now() - started),
          ...(response === undefined ? {} : { response }),
          correct: scored?.correct ?? false,
          score: scored?.score ?? 0,
          ...(scored ? { scored: scored as unknown as Record<string, unknown> } : {}),
          ...figures,
        };
      }
      await evals.saveResult(result);
      progress.add(result);
      options.onResult?.(result, progress.snapshot());
    }
  };
  const workers = Math.max(1, Math.min(options.concurrency ?? 4, plan.tasks.length));
  // Each item in flight listens on the evaluation's signal (its attempt's link, its judge call):
  // that is expected, not the leak Node warns of past ten listeners.
  setMaxListeners(Math.max(10, 4 * workers + 10), options.signal);
  await Promise.all(Array.from({ length: workers }, worker));
  return { evalId: evaluation.id, progress: progress.snapshot(), cancelled: options.signal.aborted };
}

/** Scores a run's answer; a run without one scores 0 as not attempted, with no judge call. */
async function scoreResponse(
  scorer: Scorer,
  item: EvalItem,
  response: string | undefined,
  trajectory: Trajectory,
  context: ScoreContext,
): Promise<ScoredItem | undefined> {
  if (response === undefined || response.trim() === "")
    return {
      id: item.id,
      correct: false,
      score: 0,
      attempted: false,
      why: `no answer (the run ended: ${trajectory.stopReason})`,
    };
  try {
    return await scorer.score(item, response, context);
  } catch (error) {
    if (context.signal?.aborted) return undefined;
    return { id: item.id, correct: false, score: 0, why: `the scorer failed: ${describeError(error)}` };
  }
}

function runFigures(trajectory: Trajectory, prices: PriceTable) {
  const usage = trajectory.budgetsUsed.usage;
  const price = priceOf(trajectory.config.model, prices);
  return {
    promptTokens: usage.promptTokens,
    completionTokens: usage.completionTokens,
    costUsd: price ? costUsd(usage, price) : 0,
    toolCalls: trajectory.steps.flatMap((step) => step.actions.map((action) => action.tool)),
  };
}

/** The item's meta fields that are plain values (what summaries group by); images and lists stay out. */
export function scalarMeta(item: EvalItem): Record<string, string | number | boolean> {
  const meta: Record<string, string | number | boolean> = {};
  for (const [key, value] of Object.entries(item.meta))
    if (typeof value === "string" || typeof value === "number" || typeof value === "boolean")
      meta[key] = value;
  return meta;
}
