import type { TokenUsage } from "../core/model-output.js";
import type { StepRecord, StopReason } from "../core/trajectory.js";
import { builtInPrices, costUsd, type PriceTable, priceOf } from "./model-prices.js";

/** What a stop condition reads: what the run has spent so far, and what its last step did. */
export interface RunProgress {
  /** The model the run talks to, as the server knows it (for prices). */
  model: string;
  /** Model turns taken. */
  steps: number;
  /** Tool calls that ran (calls refused by a budget or the repeat guard do not count). */
  toolCalls: number;
  /** The same, by tool name. */
  toolCallsByTool: ReadonlyMap<string, number>;
  /** Tokens over the whole run, page summaries included. */
  usage: TokenUsage;
  elapsedMs: number;
  /** Calls the repeat guard refused so far. */
  repeatRefusals: number;
  /** The last finished step, if any: its actions are the calls the model last asked for. */
  lastStep?: StepRecord;
}

/**
 * Why a run stops: one of the trajectory's stop reasons, or one with the sentence the model is
 * told in the final-answer turn ("the model called submit").
 */
export type StopVerdict = StopReason | { stopReason: StopReason; description: string };

/**
 * A predicate over the run's progress, checked before every step (like the AI SDK's `stopWhen`):
 * a verdict ends the run with one last turn asking for the best answer without tools; undefined
 * (or false) lets it go on. Budgets, the repeat guard and anything a caller writes are all these.
 */
export type StopCondition = (progress: RunProgress) => StopVerdict | undefined | false;

/** Stops once the run has taken `count` model turns (budgets.maxSteps). */
export function stepCountIs(count: number): StopCondition {
  return (progress) => (progress.steps >= count ? "budget-steps" : undefined);
}

/**
 * Stops once `count` tool calls have run (budgets.maxToolCalls); with `tool`, once that tool has
 * run `count` times (a profile's per-tool limit, where it also refuses further calls of it).
 */
export function toolCallCountIs(count: number, tool?: string): StopCondition {
  return (progress) => {
    const calls = tool === undefined ? progress.toolCalls : (progress.toolCallsByTool.get(tool) ?? 0);
    if (calls < count) return undefined;
    if (tool === undefined) return "budget-tool-calls";
    return { stopReason: "budget-tool-calls", description: `${tool} has been called ${calls} times` };
  };
}

/** Stops once prompt + completion tokens reach `count` (budgets.maxTokens). */
export function tokenCountIs(count: number): StopCondition {
  return (progress) =>
    progress.usage.promptTokens + progress.usage.completionTokens >= count ? "budget-tokens" : undefined;
}

/** Stops once the run has taken `ms` of wall time (budgets.maxWallMs). */
export function wallTimeIs(ms: number): StopCondition {
  return (progress) => (progress.elapsedMs >= ms ? "budget-time" : undefined);
}

/** Stops once the repeat guard has refused `refusals` calls: the model is stuck. */
export function repeatedActionsAre(refusals: number): StopCondition {
  return (progress) => (progress.repeatRefusals >= refusals ? "repeated-action" : undefined);
}

/** Stops after a step in which the model called `tool` (a `submit` or `final_answer` tool). */
export function toolCalled(tool: string): StopCondition {
  return (progress) =>
    progress.lastStep?.actions.some((action) => action.tool === tool)
      ? { stopReason: "stop-condition", description: `${tool} was called` }
      : undefined;
}

/** The first verdict of any of the conditions, in order: budgets are checked in the order given. */
export function anyOf(...conditions: readonly StopCondition[]): StopCondition {
  return (progress) => {
    for (const condition of conditions) {
      const verdict = condition(progress);
      if (verdict) return verdict;
    }
    return undefined;
  };
}

/** A verdict as reason and sentence; `describe` gives the sentence of a plain reason. */
export function readVerdict(
  verdict: StopVerdict,
  describe: (reason: StopReason) => string,
): { stopReason: StopReason; description: string } {
  return typeof verdict === "string" ? { stopReason: verdict, description: describe(verdict) } : verdict;
}

/**
 * Stops once the run's tokens have cost `usd` US dollars at the model's price in `prices`
 * (model-prices.ts: approximate list prices, or the user's `modelPrices`). A model with no price
 * is never stopped by this; runs with budgets.maxCostUsd refuse to start without one.
 */
export function costIs(usd: number, prices: PriceTable = builtInPrices): StopCondition {
  return (progress) => {
    const price = priceOf(progress.model, prices);
    if (!price) return undefined;
    return costUsd(progress.usage, price) >= usd ? "budget-cost" : undefined;
  };
}
