import type { Budgets } from "../core/config.js";
import { addUsage, type TokenUsage, zeroUsage } from "../core/model-output.js";
import type { StopReason } from "../core/trajectory.js";
import { builtInPrices, type PriceTable } from "./model-prices.js";
import {
  costIs,
  type RunProgress,
  type StopCondition,
  stepCountIs,
  tokenCountIs,
  toolCallCountIs,
  wallTimeIs,
} from "./stop-conditions.js";

/** What a run had spent when it was checkpointed, for a resumed run to go on from. */
export interface SpentBudget {
  steps: number;
  toolCalls: number;
  usage: TokenUsage;
  wallMs: number;
  callsByTool: Readonly<Record<string, number>>;
}

/**
 * The config's budgets as stop conditions, in the order they are reported: steps, tool calls,
 * tokens, wall time, cost (when budgets.maxCostUsd is set).
 */
export function budgetStopConditions(budgets: Budgets, prices: PriceTable = builtInPrices): StopCondition[] {
  const conditions = [
    stepCountIs(budgets.maxSteps),
    toolCallCountIs(budgets.maxToolCalls),
    tokenCountIs(budgets.maxTokens),
    wallTimeIs(budgets.maxWallMs),
  ];
  if (budgets.maxCostUsd !== undefined) conditions.push(costIs(budgets.maxCostUsd, prices));
  return conditions;
}

/** Counts what a run has spent and says which budget, if any, has run out. */
export class BudgetTracker {
  readonly budgets: Budgets;
  readonly #startedAt: number;
  /** At most this many calls of a tool in the run, by tool name (a profile's limits). */
  readonly #toolLimits: ReadonlyMap<string, { limit: number; reached: StopCondition }>;
  readonly #callsByTool = new Map<string, number>();
  /** The budgets as stop conditions (budgetStopConditions). */
  readonly conditions: readonly StopCondition[];
  steps = 0;
  toolCalls = 0;
  usage: TokenUsage = zeroUsage;

  constructor(
    budgets: Budgets,
    now: number = Date.now(),
    toolCallLimits: Readonly<Record<string, number>> = {},
    options: { spent?: SpentBudget; prices?: PriceTable } = {},
  ) {
    this.budgets = budgets;
    const { spent } = options;
    // A resumed run's clock goes on from the time already spent, not from the original start.
    this.#startedAt = now - (spent?.wallMs ?? 0);
    this.#toolLimits = new Map(
      Object.entries(toolCallLimits).map(([tool, limit]) => [
        tool,
        { limit, reached: toolCallCountIs(limit, tool) },
      ]),
    );
    this.conditions = budgetStopConditions(budgets, options.prices);
    if (spent) {
      this.steps = spent.steps;
      this.toolCalls = spent.toolCalls;
      this.usage = { ...spent.usage };
      for (const [tool, calls] of Object.entries(spent.callsByTool)) this.#callsByTool.set(tool, calls);
    }
  }

  recordStep(usage: TokenUsage): void {
    this.steps += 1;
    this.usage = addUsage(this.usage, usage);
  }

  /** Tokens spent for the run outside its own turns (page summaries): they count, as no step. */
  recordUsage(usage: TokenUsage): void {
    this.usage = addUsage(this.usage, usage);
  }

  recordToolCall(tool?: string): void {
    this.toolCalls += 1;
    if (tool !== undefined) this.#callsByTool.set(tool, (this.#callsByTool.get(tool) ?? 0) + 1);
  }

  /**
   * The per-tool limit a further call of `tool` would pass, if it has one and it is reached: the
   * same condition that would stop a run, used here to refuse one tool's calls while others go on.
   */
  toolLimitReached(tool: string): number | undefined {
    const limit = this.#toolLimits.get(tool);
    return limit?.reached(this.progress()) ? limit.limit : undefined;
  }

  callsByTool(): Record<string, number> {
    return Object.fromEntries(this.#callsByTool);
  }

  elapsedMs(now: number = Date.now()): number {
    return now - this.#startedAt;
  }

  /** Tool calls still allowed this run. */
  remainingToolCalls(): number {
    return Math.max(0, this.budgets.maxToolCalls - this.toolCalls);
  }

  /** The run's progress as stop conditions read it; the loop adds what the budget does not know. */
  progress(extra: Partial<RunProgress> = {}, now: number = Date.now()): RunProgress {
    return {
      model: "",
      steps: this.steps,
      toolCalls: this.toolCalls,
      toolCallsByTool: this.#callsByTool,
      usage: this.usage,
      elapsedMs: this.elapsedMs(now),
      repeatRefusals: 0,
      ...extra,
    };
  }

  /** The first budget that has run out, or undefined while the run may go on. */
  exhausted(now: number = Date.now(), extra: Partial<RunProgress> = {}): StopReason | undefined {
    const progress = this.progress(extra, now);
    for (const condition of this.conditions) {
      const verdict = condition(progress);
      if (verdict) return typeof verdict === "string" ? verdict : verdict.stopReason;
    }
    return undefined;
  }
}

const budgetDescriptions: Partial<Record<StopReason, string>> = {
  "budget-steps": "the step budget is used up",
  "budget-tool-calls": "the tool-call budget is used up",
  "budget-tokens": "the token budget is used up",
  "budget-time": "the time budget is used up",
  "budget-cost": "the cost budget is used up",
  "repeated-action": "the same action keeps being repeated",
};

export function describeStop(reason: StopReason): string {
  return budgetDescriptions[reason] ?? reason;
}
