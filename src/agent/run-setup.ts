import { randomUUID } from "node:crypto";
import { describeError, isLoupeError } from "../core/errors.js";
import type { RunEventListener } from "../core/events.js";
import { ImageSet } from "../core/image-set.js";
import type { ImageRef } from "../core/images.js";
import type { Message } from "../core/messages.js";
import type { StopReason, Trajectory } from "../core/trajectory.js";
import type { DialectContext } from "../dialects/dialect.js";
import { viewSizeSent } from "../tools/image/model-view.js";
import { BudgetTracker } from "./budget-tracker.js";
import type { RunAgentOptions, RunResult } from "./run-options.js";
import { TrajectoryRecorder } from "./trajectory-recorder.js";

/** What every kind of run starts with: its images, first messages, budget, recorder and events. */
export interface RunSetup {
  images: ImageSet;
  inputs: ImageRef[];
  context: DialectContext;
  /** The conversation: append-only. */
  messages: Message[];
  budget: BudgetTracker;
  recorder: TrajectoryRecorder;
  signal: AbortSignal;
  emit: RunEventListener;
}

export interface RunOutcome {
  stopReason: StopReason;
  answer?: string;
  error?: { code: string; message: string };
}

/**
 * Adds the input images, writes the opening messages and announces the run (run-start). The
 * system prompt is asked for once the inputs are in, since prompts describe them.
 */
export function prepareRun(
  options: RunAgentOptions,
  systemPrompt: (context: DialectContext) => string | undefined,
): RunSetup {
  const { config, dialect, tools, question } = options;
  const emit: RunEventListener = options.onEvent ?? (() => {});
  const images = options.imageSet ?? new ImageSet();
  const inputs = options.images.map((input) =>
    images.add(input.bytes, input.facts, { kind: "input", source: input.source }),
  );
  const context: DialectContext = {
    tools,
    images,
    question,
    ...(options.choices ? { choices: options.choices } : {}),
    viewSize: (image) => viewSizeSent(image, config.images.modelView),
  };
  const messages: Message[] = [];
  const system = systemPrompt(context);
  if (system) messages.push({ role: "system", content: system });
  messages.push(dialect.userTurn(context, inputs));
  const recorder = new TrajectoryRecorder({
    id: options.runId ?? randomUUID(),
    question,
    inputImageIds: inputs.map((ref) => ref.id),
    config,
    tools: tools.map((tool) => tool.name),
  });
  emit({
    type: "run-start",
    runId: recorder.id,
    question,
    images: inputs,
    model: options.model.model,
    dialect: dialect.name,
  });
  return {
    images,
    inputs,
    context,
    messages,
    budget: new BudgetTracker(config.budgets, Date.now(), config.dialectOptions.toolCallLimits),
    recorder,
    signal: options.signal ?? new AbortController().signal,
    emit,
  };
}

/**
 * How a run that threw ends: cancelled when its signal fired (nothing to report, the user asked
 * for it), otherwise an error with its code, announced as an event.
 */
export function failureOutcome(thrown: unknown, setup: RunSetup): RunOutcome {
  if (setup.signal.aborted) return { stopReason: "cancelled" };
  const error = { code: isLoupeError(thrown) ? thrown.code : "internal", message: describeError(thrown) };
  setup.emit({ type: "error", code: error.code, message: error.message, retrying: false });
  return { stopReason: "error", error };
}

/** The trajectory of a run still going on, for RunAgentOptions.onCheckpoint. */
export function checkpointTrajectory(setup: RunSetup): Trajectory {
  const steps = setup.recorder.steps.length;
  return setup.recorder.build({
    images: setup.images,
    messages: setup.messages,
    budget: setup.budget,
    stopReason: "cancelled",
    error: {
      code: "incomplete",
      message: `Checkpoint after ${steps} step${steps === 1 ? "" : "s"}: the run had not finished when this was written.`,
    },
  });
}

/** Announces the answer and the end of the run, and builds its trajectory. */
export function finishRun(setup: RunSetup, outcome: RunOutcome): RunResult {
  const { budget, emit, images } = setup;
  if (outcome.answer !== undefined) emit({ type: "answer", step: budget.steps, answer: outcome.answer });
  emit({
    type: "run-end",
    stopReason: outcome.stopReason,
    usage: budget.usage,
    durationMs: budget.elapsedMs(),
  });
  const trajectory = setup.recorder.build({ images, messages: setup.messages, budget, ...outcome });
  return { trajectory, images };
}
