import { type ImageInput, loadImages } from "../../api/input-images.js";
import type { RunParts } from "../../api/run-parts.js";
import type { LoupeConfig } from "../../core/config.js";
import { describeError } from "../../core/errors.js";
import type { RunCheckpointStore } from "../../core/run-checkpoint.js";
import type { Trajectory } from "../../core/trajectory.js";
import type { AskMode } from "../../modes/mode-names.js";
import { runMode } from "../../modes/run-mode.js";
import type { EvalImage, EvalItem } from "../eval-item.js";

/** What one variant of an evaluation runs items with: a config and the parts built from it. */
export interface VariantParts {
  name: string;
  config: LoupeConfig;
  parts: Pick<RunParts, "model" | "dialect" | "tools" | "systemPrompt">;
  /** How its items are answered (docs/modes.md); the agent loop when absent. */
  mode?: AskMode;
}

export interface ItemRunOptions {
  variant: VariantParts;
  runId: string;
  /** Where the run's checkpoints (its trajectory and images) go: the run store. */
  store?: RunCheckpointStore;
  /** The whole evaluation's signal (Ctrl-C): a run it cancels is left for `--resume`. */
  signal: AbortSignal;
  /** Per-attempt limit; an attempt past it is cancelled and retried. */
  itemTimeoutMs?: number;
  /** Attempts after the first for a run that failed (model failure, time-out). */
  retries: number;
}

export type ItemRunOutcome =
  | { kind: "finished"; trajectory: Trajectory; attempts: number; error?: string }
  | { kind: "failed"; attempts: number; error: string; trajectory?: Trajectory }
  /** The evaluation was cancelled while the item ran: nothing is recorded as finished. */
  | { kind: "cancelled"; attempts: number };

/** An item's images as the public layer's inputs (paths, URLs, bytes). */
export function imageInputs(images: readonly EvalImage[]): ImageInput[] {
  return images.map((image) =>
    image.kind === "bytes"
      ? { bytes: image.bytes, ...(image.name ? { name: image.name } : {}) }
      : image.kind === "path"
        ? image.path
        : image.url,
  );
}

/**
 * Runs one item through the agent, retrying a run that ended in an error (the model failed after
 * its own retries) or went past `itemTimeoutMs`. Every attempt uses the same run id, so the store
 * holds one trajectory per item: the last attempt's.
 */
export async function runItem(item: EvalItem, options: ItemRunOptions): Promise<ItemRunOutcome> {
  const { variant } = options;
  let images: Awaited<ReturnType<typeof loadImages>>;
  try {
    images = await loadImages(imageInputs(item.images), variant.config.images, { signal: options.signal });
  } catch (error) {
    if (options.signal.aborted) return { kind: "cancelled", attempts: 1 };
    return { kind: "failed", attempts: 1, error: `images: ${describeError(error)}` };
  }
  let last: { trajectory?: Trajectory; error: string } = { error: "not run" };
  for (let attempt = 1; attempt <= options.retries + 1; attempt++) {
    if (options.signal.aborted) return { kind: "cancelled", attempts: attempt - 1 };
    // Each attempt gets a signal of its own, linked to the evaluation's for its duration only:
    // runs add listeners to the signal they are given, and an evaluation of 10,000 items must not
    // leave 10,000 of them on its long-lived one.
    const controller = new AbortController();
    const forward = () => controller.abort(options.signal.reason);
    options.signal.addEventListener("abort", forward, { once: true });
    let timedOut = false;
    const timer =
      options.itemTimeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            controller.abort(new Error("item-timeout"));
          }, options.itemTimeoutMs);
    let trajectory: Trajectory;
    try {
      ({ trajectory } = await runMode(variant.mode ?? "interleaved", {
        question: item.question,
        ...(item.choices ? { choices: item.choices } : {}),
        images,
        config: variant.config,
        model: variant.parts.model,
        dialect: variant.parts.dialect,
        tools: variant.parts.tools,
        ...(variant.parts.systemPrompt === undefined ? {} : { systemPrompt: variant.parts.systemPrompt }),
        signal: controller.signal,
        runId: options.runId,
        ...(options.store ? { checkpointStore: options.store } : {}),
      }));
    } catch (error) {
      if (options.signal.aborted) return { kind: "cancelled", attempts: attempt };
      last = { error: describeError(error) };
      continue;
    } finally {
      clearTimeout(timer);
      options.signal.removeEventListener("abort", forward);
    }
    if (options.signal.aborted) return { kind: "cancelled", attempts: attempt };
    if (timedOut && trajectory.stopReason === "cancelled") {
      last = {
        trajectory,
        error: `item-timeout: no answer within ${(options.itemTimeoutMs! / 1000).toFixed(1)} s`,
      };
      continue;
    }
    if (trajectory.stopReason === "error") {
      last = {
        trajectory,
        error: trajectory.error ? `${trajectory.error.code}: ${trajectory.error.message}` : "error",
      };
      continue;
    }
    return { kind: "finished", trajectory, attempts: attempt };
  }
  return { kind: "failed", attempts: options.retries + 1, ...last };
}
