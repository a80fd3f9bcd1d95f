import type { EvalResult } from "../../store/eval-store.js";

/** One (variant, item) an evaluation still has to run, with the run id its trajectory goes under. */
export interface PlannedTask {
  variant: string;
  itemId: string;
  position: number;
  runId: string;
  /** Attempts already made (by an evaluation killed while the item ran). */
  attempts: number;
}

export interface TaskPlan {
  tasks: PlannedTask[];
  /** Results already finished (done, or failed after retries): never redone. */
  finished: EvalResult[];
}

/**
 * What is left of an evaluation, from the results the store holds: every (variant, item) without
 * a finished result, in item order, variant by variant. An item that was running when the
 * evaluation stopped keeps its run id, so redoing it overwrites that run instead of adding
 * another; `retryFailed` redoes items that failed after their retries too.
 */
export function planTasks(
  itemIds: readonly string[],
  variants: readonly string[],
  existing: readonly EvalResult[],
  newRunId: () => string,
  options: { retryFailed?: boolean } = {},
): TaskPlan {
  const byKey = new Map(existing.map((result) => [`${result.variant}\u0000${result.itemId}`, result]));
  const tasks: PlannedTask[] = [];
  const finished: EvalResult[] = [];
  for (const variant of variants) {
    itemIds.forEach((itemId, position) => {
      const earlier = byKey.get(`${variant}\u0000${itemId}`);
      const isFinished =
        earlier !== undefined &&
        (earlier.status === "done" || (earlier.status === "error" && !options.retryFailed));
      if (isFinished) {
        finished.push(earlier);
        return;
      }
      tasks.push({
        variant,
        itemId,
        position,
        runId: earlier?.runId ?? newRunId(),
        attempts: earlier?.attempts ?? 0,
      });
    });
  }
  return { tasks, finished };
}
