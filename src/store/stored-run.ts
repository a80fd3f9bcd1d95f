import { formatConfigIssues } from "../core/config.js";
import { LoupeError } from "../core/errors.js";
import type { RunCheckpoint } from "../core/run-checkpoint.js";
import type { RunSummary } from "../core/run-store.js";
import { type Trajectory, trajectorySchema } from "../core/trajectory.js";
import { searchTextOf, summarizeRun } from "./run-summary.js";

/**
 * A run as the stores' tables hold it: the listing line, the trajectory without its steps, each
 * step on its own row, each observation on its own row (tool, text and data, such as a search
 * tool's results, so listings and searches can use them without parsing trajectories) and the
 * images it refers to.
 */
export interface StoredRun {
  summary: RunSummary;
  searchText: string;
  /** The trajectory's JSON without `steps` and without the images' `file` paths. */
  record: string;
  steps: { position: number; json: string }[];
  observations: StoredObservation[];
  images: { id: string; mime: string; byteLength: number; bytes: () => Uint8Array }[];
}

export interface StoredObservation {
  /** The step's position in `steps`, from 0; the step in progress is -1. */
  step: number;
  position: number;
  callId: string;
  tool: string;
  text: string;
  isError: boolean;
  data: string | null;
}

export function toStoredRun({ trajectory, images }: RunCheckpoint): StoredRun {
  const { steps, ...rest } = trajectory;
  const record = {
    ...rest,
    images: trajectory.images.map(({ file: _file, ...image }) => image),
  };
  const observations: StoredObservation[] = [];
  const addObservations = (step: number, list: Trajectory["steps"][number]["observations"]) => {
    list.forEach((observation, position) => {
      observations.push({
        step,
        position,
        callId: observation.callId,
        tool: observation.tool,
        text: observation.text,
        isError: observation.isError,
        data: observation.data === undefined ? null : JSON.stringify(observation.data),
      });
    });
  };
  steps.forEach((step, position) => {
    addObservations(position, step.observations);
  });
  addObservations(-1, trajectory.resume?.stepInProgress?.observations ?? []);
  return {
    summary: summarizeRun(trajectory),
    searchText: searchTextOf(trajectory),
    record: JSON.stringify(record),
    steps: steps.map((step, position) => ({ position, json: JSON.stringify(step) })),
    observations,
    images: trajectory.images.map((image) => ({
      id: image.id,
      mime: image.mime,
      byteLength: image.byteLength,
      bytes: () => images.bytes(image.id),
    })),
  };
}

/** The trajectory back from its record and its steps (in order); `where` names the run in errors. */
export function fromStoredRun(record: string, steps: readonly string[], where: string): Trajectory {
  let raw: Record<string, unknown>;
  try {
    raw = { ...JSON.parse(record), steps: steps.map((step) => JSON.parse(step)) };
  } catch (error) {
    throw new LoupeError("store", `${where}: the stored trajectory is not JSON (${String(error)}).`);
  }
  const parsed = trajectorySchema.safeParse(raw);
  if (!parsed.success)
    throw new LoupeError(
      "store",
      `${where}: the stored trajectory is not valid:\n${formatConfigIssues(parsed.error)}`,
    );
  return parsed.data;
}
