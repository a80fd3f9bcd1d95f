import type { EvalResult } from "../../store/eval-store.js";

/** What the progress line shows, computed from the results so far. */
export interface ProgressSnapshot {
  done: number;
  total: number;
  /** Finished items that were correct, over those finished (0 before any). */
  accuracy: number;
  correct: number;
  failed: number;
  tokens: number;
  costUsd: number;
  /** Items finished per second in this session (resumed items not counted). */
  itemsPerSecond: number;
  /** Seconds left at the current pace; undefined before the first item of this session. */
  etaSeconds?: number;
  elapsedSeconds: number;
}

/** Counts results as they finish; items already finished before a resume count as done, not toward speed. */
export class EvalProgress {
  readonly total: number;
  #done = 0;
  #correct = 0;
  #failed = 0;
  #tokens = 0;
  #cost = 0;
  #doneHere = 0;
  readonly #startedAt: number;
  readonly #now: () => number;

  constructor(
    total: number,
    earlier: readonly EvalResult[] = [],
    now: () => number = () => performance.now(),
  ) {
    this.total = total;
    this.#now = now;
    this.#startedAt = now();
    for (const result of earlier) this.#count(result);
  }

  add(result: EvalResult): void {
    this.#count(result);
    this.#doneHere++;
  }

  #count(result: EvalResult): void {
    this.#done++;
    if (result.correct) this.#correct++;
    if (result.status === "error") this.#failed++;
    this.#tokens += (result.promptTokens ?? 0) + (result.completionTokens ?? 0);
    this.#cost += result.costUsd ?? 0;
  }

  snapshot(): ProgressSnapshot {
    const elapsedSeconds = (this.#now() - this.#startedAt) / 1000;
    const itemsPerSecond = elapsedSeconds > 0 ? this.#doneHere / elapsedSeconds : 0;
    const left = this.total - this.#done;
    return {
      done: this.#done,
      total: this.total,
      accuracy: this.#done === 0 ? 0 : this.#correct / this.#done,
      correct: this.#correct,
      failed: this.#failed,
      tokens: this.#tokens,
      costUsd: this.#cost,
      itemsPerSecond,
      ...(itemsPerSecond > 0 ? { etaSeconds: left / itemsPerSecond } : {}),
      elapsedSeconds,
    };
  }
}
