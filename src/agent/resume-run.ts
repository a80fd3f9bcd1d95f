import { LoupeError } from "../core/errors.js";
import type { RunEventListener } from "../core/events.js";
import type { ImageRef } from "../core/images.js";
import { textPart, userMessage } from "../core/messages.js";
import type { RunCheckpoint } from "../core/run-checkpoint.js";
import type { StopReason, Trajectory } from "../core/trajectory.js";
import type { DialectContext } from "../dialects/dialect.js";
import { viewSizeSent } from "../images/model-view.js";
import { BudgetTracker, describeStop } from "./budget-tracker.js";
import { RepeatGuard } from "./repeat-guard.js";
import { driveRun } from "./run-agent.js";
import { RunCheckpoints } from "./run-checkpoints.js";
import type { RunResult } from "./run-options.js";
import { type RunServicesOptions, type RunSetup, runPrices, runRules } from "./run-setup.js";
import { type ActiveStep, restoreActiveStep } from "./step-in-progress.js";
import { readVerdict, repeatedActionsAre } from "./stop-conditions.js";
import { type ApprovalDecisions, rejectionText } from "./tool-approval.js";
import { TrajectoryRecorder } from "./trajectory-recorder.js";

export interface ResumeRunOptions extends RunServicesOptions {
  /** Approve or reject each call a paused run waits on, by call id; calls left out keep waiting. */
  decisions?: ApprovalDecisions;
  /** A question to ask after a finished run: appended as a user turn, and the run goes on. */
  followUp?: string;
}

/** Stop reasons after which nothing is left to do unless the user asks something more. */
const answered: readonly StopReason[] = ["answer", "no-action"];

/**
 * Goes on with a run from its checkpoint (a killed or cancelled run), its pause (calls waiting for
 * approval, with `decisions`), or its end (with `followUp`, or budgets raised past where they
 * stopped it). Nothing that finished is done again: the conversation, images, budgets spent and
 * the repeat guard's memory are restored; a step whose tool calls were under way runs only the
 * calls that had not finished; the Python tool re-runs earlier cells to re-create its variables.
 */
export async function resumeRun(checkpoint: RunCheckpoint, options: ResumeRunOptions): Promise<RunResult> {
  return driveRun(restoreRun(checkpoint, options), options);
}

function restoreRun(checkpoint: RunCheckpoint, options: ResumeRunOptions): RunSetup {
  const { trajectory, images } = checkpoint;
  const { config, tools } = options;
  const resume = trajectory.resume;
  if (!resume)
    throw new LoupeError(
      "resume-refused",
      `Run ${trajectory.id} cannot be resumed: its trajectory has no resume state (it was recorded before runs could be resumed).`,
    );
  if (config.model.response === "transcript")
    throw new LoupeError(
      "resume-refused",
      "A hosted agent's transcript run (--response transcript) cannot be resumed.",
    );
  for (const ref of images.list()) requireBytes(images, ref);
  const inputs = trajectory.inputs.images.flatMap((id): ImageRef[] => {
    const ref = images.byId(id);
    return ref ? [ref] : [];
  });
  const context: DialectContext = {
    tools,
    images,
    question: trajectory.question,
    ...(trajectory.choices ? { choices: trajectory.choices } : {}),
    viewSize: (image) => viewSizeSent(image, config.images.modelView),
  };
  const budget = new BudgetTracker(config.budgets, Date.now(), config.dialectOptions.toolCallLimits, {
    spent: resume.spent,
    prices: runPrices(config, options.model.model),
  });
  const steps = trajectory.steps.slice(0, resume.stepCount);
  const active = resume.stepInProgress
    ? restoreActiveStep(resume.stepInProgress, resume.awaitingApproval ?? [], images)
    : undefined;
  const emit: RunEventListener = options.onEvent ?? (() => {});
  const setup: RunSetup = {
    ...runRules(options),
    images,
    inputs,
    context,
    messages: trajectory.messages.slice(0, resume.messageCount),
    budget,
    guard: new RepeatGuard(config.budgets.maxRepeats, {
      repeats: resume.repeats,
      refusals: resume.repeatRefusals,
    }),
    recorder: new TrajectoryRecorder({ resumed: trajectory, steps, config }),
    signal: options.signal ?? new AbortController().signal,
    emit,
    followUps: [...(trajectory.followUps ?? [])],
    ...(active ? { active } : {}),
    checkpoints: new RunCheckpoints({ onCheckpoint: options.onCheckpoint, store: options.checkpointStore }),
  };
  applyDecisions(active, options.decisions);
  goOnFrom(trajectory, setup, options.followUp);
  emit({
    type: "run-start",
    runId: trajectory.id,
    question: trajectory.question,
    images: inputs,
    model: options.model.model,
    dialect: options.dialect.name,
  });
  return setup;
}

function requireBytes(images: RunCheckpoint["images"], ref: ImageRef): void {
  try {
    images.bytes(ref.id);
  } catch {
    throw new LoupeError(
      "resume-refused",
      `The bytes of ${ref.label} (${ref.id.slice(0, 12)}) are missing, so the run cannot be resumed: its images folder is incomplete.`,
    );
  }
}

/** Applies the user's approvals and rejections to the calls the step waits on. */
function applyDecisions(active: ActiveStep | undefined, decisions: ApprovalDecisions | undefined): void {
  if (!decisions) return;
  const waiting = active ? [...active.awaiting] : [];
  for (const [id, decision] of Object.entries(decisions)) {
    if (!active?.awaiting.has(id)) {
      const list = waiting.length > 0 ? `waiting: ${waiting.join(", ")}` : "no call is waiting";
      throw new LoupeError("resume-refused", `No call ${id} waits for approval in this run (${list}).`);
    }
    active.awaiting.delete(id);
    if (!decision.approve) {
      const call = active.calls.find((candidate) => candidate.id === id);
      active.refusals.set(id, rejectionText(call?.name ?? "tool", decision.reason));
    }
  }
}

/**
 * How a run goes on from where it stopped: an interrupted or paused run simply continues; a
 * finished one needs a follow-up question, or budgets raised past the one that stopped it.
 */
function goOnFrom(trajectory: Trajectory, setup: RunSetup, followUp: string | undefined): void {
  const { stopReason } = trajectory;
  const unfinished = stopReason === "cancelled" || stopReason === "error" || stopReason === "paused";
  if (unfinished) {
    if (followUp !== undefined)
      throw new LoupeError(
        "resume-refused",
        `The run has not finished (${stopReason}): resume it first, then ask the follow-up.`,
      );
    return;
  }
  if (followUp !== undefined) {
    if (!followUp.trim()) throw new LoupeError("resume-refused", "The follow-up question is empty.");
    setup.messages.push(userMessage(textPart(followUp)));
    setup.followUps.push({ afterStep: setup.recorder.steps.length, question: followUp });
    // A new question is a fresh start for the guard's patience (it still remembers each action).
    setup.guard.refusals = 0;
    return;
  }
  if (answered.includes(stopReason))
    throw new LoupeError(
      "resume-refused",
      `The run already ended with ${trajectory.answer === undefined ? "no answer" : "an answer"} (${stopReason}); ask a follow-up question to go on.`,
    );
  const still = stillStopped(setup);
  if (still)
    throw new LoupeError(
      "resume-refused",
      `The run ended because ${describeStop(stopReason)}, and with these budgets ${still}: raise the budget (e.g. --max-steps) or ask a follow-up question.`,
    );
  setup.messages.push(
    userMessage(
      textPart("Your budget has been raised: go on working on the question, using tools if they help."),
    ),
  );
}

/** What would stop the run at once, if anything: a budget, the repeat guard or the caller's conditions. */
function stillStopped(setup: RunSetup): string | undefined {
  const progress = setup.budget.progress({
    model: setup.modelName,
    repeatRefusals: setup.guard.refusals,
    lastStep: setup.recorder.steps.at(-1),
  });
  for (const condition of [...setup.budget.conditions, repeatedActionsAre(2), ...setup.stopWhen]) {
    const verdict = condition(progress);
    if (verdict) return readVerdict(verdict, describeStop).description;
  }
  return undefined;
}
