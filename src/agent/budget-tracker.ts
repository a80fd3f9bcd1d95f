import type { Budgets } from "../core/config.js";
import { addUsage, type TokenUsage, zeroUsage } from "../core/model-output.js";
import type { StopReason } from "../core/trajectory.js";

/** Counts what a run has spent and says which budget, if any, has run out. */
export class BudgetTracker {
  readonly budgets: Budgets;
  readonly #startedAt: number;
  /** At most this many calls of a tool in the run, by tool name (a profile's limits). */
  readonly #toolCallLimits: Readonly<Record<string, number>>;
  readonly #callsByTool = new Map<string, number>();
  steps = 0;
  toolCalls = 0;
  usage: TokenUsage = zeroUsage;

  constructor(
    budgets: Budgets,
    now: number = Date.now(),
    toolCallLimits: Readonly<Record<string, number>> = {},
  ) {
    this.budgets = budgets;
    this.#startedAt = now;
    this.#toolCallLimits = toolCallLimits;
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

  /** The per-tool limit a further call of `tool` would pass, if it has one and it is reached. */
  toolLimitReached(tool: string): number | undefined {
    const limit = this.#toolCallLimits[tool];
    return limit !== undefined && (this.#callsByTool.get(tool) ?? 0) >= limit ? limit : undefined;
  }

  elapsedMs(now: number = Date.now()): number {
    return now - this.#startedAt;
  }

  /** Tool calls still allowed this run. */
  remainingToolCalls(): number {
    return Math.max(0, this.budgets.maxToolCalls - this.toolCalls);
  }

  /** The first budget that has run out, or undefined while the run may go on. */
  exhausted(now: number = Date.now()): StopReason | undefined {
    if (this.steps >= this.budgets.maxSteps) return "budget-steps";
    if (this.toolCalls >= this.budgets.maxToolCalls) return "budget-tool-calls";
    if (this.usage.promptTokens + this.usage.completionTokens >= this.budgets.maxTokens)
      return "budget-tokens";
    if (this.elapsedMs(now) >= this.budgets.maxWallMs) return "budget-time";
    return undefined;
  }
}

const budgetDescriptions: Partial<Record<StopReason, string>> = {
  "budget-steps": "the step budget is used up",
  "budget-tool-calls": "the tool-call budget is used up",
  "budget-tokens": "the token budget is used up",
  "budget-time": "the time budget is used up",
  "repeated-action": "the same action keeps being repeated",
};

export function describeStop(reason: StopReason): string {
  return budgetDescriptions[reason] ?? reason;
}
