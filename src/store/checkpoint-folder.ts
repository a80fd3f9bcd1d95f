import { LoupeError } from "../core/errors.js";
import type { RunCheckpoint, RunCheckpointStore } from "../core/run-checkpoint.js";
import { readTrajectory, TrajectoryFolder } from "./trajectory-folder.js";

/**
 * Checkpoints kept in one run's trajectory folder: trajectory.json replaced atomically, images
 * written once each. `load` ignores the id (one folder holds one run) but checks it.
 */
export class FolderCheckpointStore implements RunCheckpointStore {
  readonly folder: TrajectoryFolder;

  constructor(folder: TrajectoryFolder | string) {
    this.folder = typeof folder === "string" ? new TrajectoryFolder(folder) : folder;
  }

  async save(checkpoint: RunCheckpoint): Promise<void> {
    await this.folder.write(checkpoint.trajectory, checkpoint.images);
  }

  async load(runId?: string): Promise<RunCheckpoint> {
    return loadCheckpoint(this.folder.dir, runId);
  }
}

/** A run folder (or its trajectory.json) read back with its images' bytes, ready to resume. */
export async function loadCheckpoint(location: string, runId?: string): Promise<RunCheckpoint> {
  const { trajectory, images } = await readTrajectory(location, { loadImages: true });
  if (runId !== undefined && trajectory.id !== runId) {
    throw new LoupeError("trajectory-invalid", `${location} holds run ${trajectory.id}, not ${runId}.`);
  }
  return { trajectory, images };
}
