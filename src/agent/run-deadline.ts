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
  #budgetEnd: AbortController | undefined;
  #graceEnd: AbortController | undefined;
  readonly #timers: NodeJS.Timeout[] = [];

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
    if (this.remainingMs() <= 0) {
      // Already past: fired from the start, so a call not yet begun never begins.
      this.#timedOut = true;
      return AbortSignal.any([this.userSignal, AbortSignal.abort(timeUp())]);
    }
    this.#budgetEnd ??= this.#timer(this.remainingMs(), () => {
      this.#timedOut = true;
    });
    return AbortSignal.any([this.userSignal, this.#budgetEnd.signal]);
  }

  /** The final-answer turn's signal: the user's, ending at the deadline plus the grace period. */
  finalTurnSignal(): AbortSignal {
    // Budget and grace are each a valid timer, but their sum can pass what a Node timer takes.
    this.#graceEnd ??= this.#timer(Math.min(maxTimerMs, this.remainingMs() + this.#graceMs));
    return AbortSignal.any([this.userSignal, this.#graceEnd.signal]);
  }

  /**
   * Clears the deadline's timers when the run ends. An `AbortSignal.timeout` cannot be cleared:
   * it kept every finished run (its signals' listeners, and through them the run) in memory until
   * its budget would have run out, so a long evaluation or a busy server grew by a run per run.
   */
  dispose(): void {
    for (const timer of this.#timers.splice(0)) clearTimeout(timer);
    // Node keeps a signal made by AbortSignal.any alive while it has listeners and a source that
    // may still fire: ending the sources lets a finished run's signals (and what their leftover
    // listeners hold) go.
    const ended = new DOMException("The run has ended.", "AbortError");
    this.#budgetEnd?.abort(ended);
    this.#graceEnd?.abort(ended);
  }

  /** One timer for the run (not one per call), aborting a controller when it fires. */
  #timer(delayMs: number, onFire?: () => void): AbortController {
    const controller = new AbortController();
    const timer = setTimeout(() => {
      onFire?.();
      controller.abort(timeUp());
    }, delayMs);
    // Like AbortSignal.timeout's: a pending deadline never keeps the process alive.
    timer.unref();
    this.#timers.push(timer);
    return controller;
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
