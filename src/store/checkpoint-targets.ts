import type { RunCheckpoint, RunCheckpointStore } from "../core/run-checkpoint.js";

/**
 * One checkpoint store that saves to several (the CLI's run folder and the run store), in order,
 * each awaited, so a run killed mid-way is in all of them. `load` reads from the first.
 */
export class CheckpointTargets implements RunCheckpointStore {
  readonly #targets: readonly RunCheckpointStore[];

  constructor(targets: readonly RunCheckpointStore[]) {
    if (targets.length === 0) throw new Error("CheckpointTargets needs at least one store.");
    this.#targets = targets;
  }

  async save(checkpoint: RunCheckpoint): Promise<void> {
    for (const target of this.#targets) await target.save(checkpoint);
  }

  load(runId: string): Promise<RunCheckpoint> {
    return this.#targets[0]!.load(runId);
  }
}
