import { randomUUID } from "node:crypto";
import { BudgetTracker, describeStop } from "../agent/budget-tracker.js";
import type { RunAgentOptions } from "../agent/run-options.js";
import { runPrices } from "../agent/run-setup.js";
import { TrajectoryRecorder } from "../agent/trajectory-recorder.js";
import { describeError, isLoupeError } from "../core/errors.js";
import type { RunEventListener } from "../core/events.js";
import { ImageSet } from "../core/image-set.js";
import type { ImageRef } from "../core/images.js";
import type { Message } from "../core/messages.js";
import type { StopReason, Trajectory } from "../core/trajectory.js";

/** How a plan or research run ended, as the trajectory records it. */
export interface ModeOutcome {
  stopReason: StopReason;
  answer?: string;
  stopDescription?: string;
  error?: { code: string; message: string };
}

/**
 * What plan and research runs set up alike before their own work: the input images, the
 * recorder, the budget, the run-start event, and a signal that ends at the user's cancellation
 * or the time budget. Its timer is one the run clears at `finish` (an AbortSignal.timeout could
 * not be, and held each finished run until its budget would have run out).
 */
export class ModeRun {
  readonly emit: RunEventListener;
  readonly images: ImageSet;
  readonly inputs: ImageRef[];
  readonly recorder: TrajectoryRecorder;
  readonly budget: BudgetTracker;
  readonly userSignal: AbortSignal;
  /** The user's signal, ending also when the time budget runs out. */
  readonly signal: AbortSignal;
  readonly #timeUp = new AbortController();
  readonly #timer: NodeJS.Timeout;

  constructor(options: RunAgentOptions, mode: "plan" | "research") {
    const { config, question } = options;
    this.emit = options.onEvent ?? (() => {});
    this.images = options.imageSet ?? new ImageSet();
    this.inputs = options.images.map((input) =>
      this.images.add(input.bytes, input.facts, { kind: "input", source: input.source }),
    );
    this.recorder = new TrajectoryRecorder({
      id: options.runId ?? randomUUID(),
      question,
      choices: options.choices,
      inputImageIds: this.inputs.map((ref) => ref.id),
      config,
      tools: options.tools.map((tool) => tool.name),
    });
    this.emit({
      type: "run-start",
      runId: this.recorder.id,
      question,
      images: this.inputs,
      model: options.model.model,
      dialect: mode,
    });
    this.budget = new BudgetTracker(
      config.budgets,
      Date.now(),
      {},
      { prices: runPrices(config, options.model.model) },
    );
    this.userSignal = options.signal ?? new AbortController().signal;
    this.#timer = setTimeout(
      () => this.#timeUp.abort(new DOMException("The run's time budget ran out.", "TimeoutError")),
      config.budgets.maxWallMs,
    );
    this.#timer.unref();
    this.signal = AbortSignal.any([this.userSignal, this.#timeUp.signal]);
  }

  /** The outcome of a run that threw: cancelled by the user, out of time, or an error (announced). */
  failed(thrown: unknown): ModeOutcome {
    if (this.userSignal.aborted) return { stopReason: "cancelled" };
    if (this.signal.aborted)
      return { stopReason: "budget-time", stopDescription: describeStop("budget-time") };
    const error = { code: isLoupeError(thrown) ? thrown.code : "internal", message: describeError(thrown) };
    this.emit({ type: "error", code: error.code, message: error.message, retrying: false });
    return { stopReason: "error", error };
  }

  /** Ends the run: its timer, the answer and run-end events, and its trajectory. */
  finish(messages: readonly Message[], outcome: ModeOutcome, answerStep: number): Trajectory {
    clearTimeout(this.#timer);
    this.#timeUp.abort(new DOMException("The run has ended.", "AbortError"));
    if (outcome.answer !== undefined) this.emit({ type: "answer", step: answerStep, answer: outcome.answer });
    this.emit({
      type: "run-end",
      stopReason: outcome.stopReason,
      usage: this.budget.usage,
      durationMs: this.budget.elapsedMs(),
    });
    return this.recorder.build({ images: this.images, messages, budget: this.budget, ...outcome });
  }
}
