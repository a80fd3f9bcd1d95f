import type { ImageSet } from "./image-set.js";
import type { Trajectory } from "./trajectory.js";

/**
 * A run as it can be resumed: its trajectory (with `resume`, the counters and the step in
 * progress) and its images with their bytes. A checkpoint, a paused run and a finished one all
 * have this shape; `resumeRun` goes on from any of them.
 */
export interface RunCheckpoint {
  trajectory: Trajectory;
  images: ImageSet;
}

/**
 * Where a run's checkpoints go: `save` after every step and every finished tool call (awaited,
 * one at a time), `load` by run id to resume. The trajectory folder is the default
 * (store/checkpoint-folder.ts); a caller may keep them anywhere else.
 */
export interface RunCheckpointStore {
  save(checkpoint: RunCheckpoint): Promise<void>;
  load(runId: string): Promise<RunCheckpoint>;
}
