import type { RunCheckpoint, RunCheckpointStore } from "./run-checkpoint.js";
import type { StopReason, Trajectory } from "./trajectory.js";

/**
 * One line of a run listing: what a table of runs shows and filters on, without the steps.
 * Built from the trajectory when it is saved.
 */
export interface RunSummary {
  id: string;
  createdAt: string;
  question: string;
  answer?: string;
  model: string;
  dialect: string;
  stopReason: StopReason;
  /** Tools the model actually called, each once, sorted. */
  toolsUsed: string[];
  steps: number;
  toolCalls: number;
  promptTokens: number;
  completionTokens: number;
  wallMs: number;
}

/** What `loupe runs list` and `GET /v1/runs` filter on; every field narrows, none required. */
export interface RunFilter {
  model?: string;
  dialect?: string;
  stopReason?: StopReason;
  /** The run called this tool at least once. */
  toolUsed?: string;
  /** Case-insensitive text in the question or the answer. */
  text?: string;
  /** ISO timestamps, inclusive. */
  since?: string;
  until?: string;
  /** Newest first; at most this many (the store caps it). */
  limit?: number;
  /** For paging: runs created before this run (by createdAt, then id). */
  before?: string;
}

/**
 * Where runs are kept: SQLite by default, PostgreSQL for several processes (store/). A run is
 * saved whole at every checkpoint (the same call `RunCheckpointStore.save` makes), so a store
 * given to a run as its checkpoint store keeps it resumable; images are content-addressed and
 * written once.
 */
export interface RunStore extends RunCheckpointStore {
  /** The run with its images' bytes, as `resumeRun` takes it; a `run-not-found` error when absent. */
  load(runId: string): Promise<RunCheckpoint>;
  /** The trajectory alone (no image bytes), or undefined. */
  getTrajectory(runId: string): Promise<Trajectory | undefined>;
  /** An image's bytes by its sha256 id, with its mime type, or undefined. */
  getImage(id: string): Promise<{ bytes: Uint8Array; mime: string } | undefined>;
  list(filter?: RunFilter): Promise<RunSummary[]>;
  /** True when a run was removed; its images go when no other run refers to them. */
  remove(runId: string): Promise<boolean>;
  close(): Promise<void>;
}
