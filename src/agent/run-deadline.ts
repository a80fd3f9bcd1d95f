import { maxTimerMs } from "../core/config-numbers.js";
import type { BudgetTracker } from "./budget-tracker.js";

/** Longest grace the final-answer turn gets past the time budget: room for one short answer. */
const finalTurnGraceCapMs = 30_000;

/**
 * The run's wall-time budget (budgets.maxWallMs) as abort signals. Each model call and each
 * step's tool calls get a signal that fires when the user cancels or when the budget runs out, so
 * no single call (a sleeping Python cell, a model request with its retries) can outlive the budget.
 * The final-answer turn gets a short grace period past the budget, so the user still gets an
 * answer. `stoppedByDeadline` tells the two causes apart: the budget ends a run with
 * "budget-time", the user with "cancelled".
 */
export class RunDeadline {
  /** The user's signal: cancellation of the whole run. */
  readonly userSignal: AbortSignal;
  readonly #budget: BudgetTracker;
  readonly #graceMs: number;
  #timedOut = false;

  constructor(options: { userSignal: AbortSignal; budget: BudgetTracker; modelTimeoutMs: number }) {
    this.userSignal = options.userSignal;
    this.#budget = options.budget;
    this.#graceMs = Math.min(finalTurnGraceCapMs, options.modelTimeoutMs);
  }

  remainingMs(): number {
    return Math.max(0, this.#budget.budgets.maxWallMs - this.#budget.elapsedMs());
  }

  /**
   * Whether the time budget has run out. A fired timer counts even when the clock reads a
   * millisecond short, since timers and Date.now() round differently.
   */
  get expired(): boolean {
    return this.#timedOut || this.remainingMs() <= 0;
  }

  /** A signal for a model call or a step's tool calls: the user's, ending also at the deadline. */
  callSignal(): AbortSignal {
    const remaining = this.remainingMs();
    if (remaining <= 0) {
      // Already past: fired from the start, so a call not yet begun never begins.
      this.#timedOut = true;
      return AbortSignal.any([this.userSignal, AbortSignal.abort(timeUp())]);
    }
    const timeout = AbortSignal.timeout(remaining);
    timeout.addEventListener(
      "abort",
      () => {
        this.#timedOut = true;
      },
      { once: true },
    );
    return AbortSignal.any([this.userSignal, timeout]);
  }

  /** The final-answer turn's signal: the user's, ending at the deadline plus the grace period. */
  finalTurnSignal(): AbortSignal {
    // Budget and grace are each a valid timer, but their sum can pass what a Node timer takes.
    const delayMs = Math.min(maxTimerMs, this.remainingMs() + this.#graceMs);
    return AbortSignal.any([this.userSignal, AbortSignal.timeout(delayMs)]);
  }

  /** True when `signal` (made here) fired because time ran out, not because the user cancelled. */
  stoppedByDeadline(signal: AbortSignal): boolean {
    return signal.aborted && !this.userSignal.aborted;
  }
}

/** The reason a deadline signal gives, like AbortSignal.timeout's. */
function timeUp(): DOMException {
  return new DOMException("The run's time budget ran out.", "TimeoutError");
}
