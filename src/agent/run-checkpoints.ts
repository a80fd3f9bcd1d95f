import type { RunCheckpointStore } from "../core/run-checkpoint.js";
import type { ResumeState, Trajectory } from "../core/trajectory.js";
import type { RunSetup } from "./run-setup.js";
import { stepInProgressRecord } from "./step-in-progress.js";

/**
 * Saves a run's checkpoints one at a time (to `onCheckpoint` and the caller's store), and
 * remembers the last one: a run that is cancelled or fails mid-step records that step in its
 * trajectory, but resumes from the last checkpoint, where everything recorded had finished.
 */
export class RunCheckpoints {
  readonly #onCheckpoint: ((trajectory: Trajectory) => void | Promise<void>) | undefined;
  readonly #store: RunCheckpointStore | undefined;
  #queue: Promise<unknown> = Promise.resolve();
  /** The resume state of the last checkpoint. */
  settled: ResumeState | undefined;

  constructor(options: {
    onCheckpoint?: (trajectory: Trajectory) => void | Promise<void>;
    store?: RunCheckpointStore;
  }) {
    this.#onCheckpoint = options.onCheckpoint;
    this.#store = options.store;
  }

  /** Saves the run as it is now; awaited, so the next step starts only once it is written. */
  save(setup: RunSetup): Promise<void> {
    const resume = resumeStateOf(setup);
    this.settled = resume;
    if (!this.#onCheckpoint && !this.#store) return Promise.resolve();
    const trajectory = checkpointTrajectory(setup, resume);
    const write = this.#queue.then(async () => {
      await this.#onCheckpoint?.(trajectory);
      await this.#store?.save({ trajectory, images: setup.images });
    });
    this.#queue = write.catch(() => undefined);
    return write;
  }
}

/** What a resumed run needs to go on from the run as it is now. */
export function resumeStateOf(setup: RunSetup): ResumeState {
  const { budget, guard, active } = setup;
  const state: ResumeState = {
    stepCount: setup.recorder.steps.length,
    messageCount: setup.messages.length,
    spent: {
      steps: budget.steps,
      toolCalls: budget.toolCalls,
      usage: { ...budget.usage },
      wallMs: Math.round(budget.elapsedMs()),
      callsByTool: budget.callsByTool(),
    },
    repeats: guard.entries(),
    repeatRefusals: guard.refusals,
  };
  if (active) state.stepInProgress = stepInProgressRecord(active);
  if (active && active.awaiting.size > 0) state.awaitingApproval = [...active.awaiting];
  return state;
}

/** The trajectory of a run still going on: stop reason "cancelled", error "incomplete". */
function checkpointTrajectory(setup: RunSetup, resume: ResumeState): Trajectory {
  const steps = setup.recorder.steps.length;
  const inProgress = setup.active ? `, step ${setup.active.index} in progress` : "";
  return setup.recorder.build({
    images: setup.images,
    messages: setup.messages,
    budget: setup.budget,
    stopReason: "cancelled",
    error: {
      code: "incomplete",
      message: `Checkpoint after ${steps} step${steps === 1 ? "" : "s"}${inProgress}: the run had not finished when this was written.`,
    },
    resume,
    followUps: setup.followUps,
  });
}
