import { randomUUID } from "node:crypto";
import type { LoupeConfig } from "../core/config.js";
import { describeError, isLoupeError, LoupeError } from "../core/errors.js";
import type { RunEventListener } from "../core/events.js";
import { ImageSet } from "../core/image-set.js";
import type { ImageRef } from "../core/images.js";
import type { Message } from "../core/messages.js";
import type { StopReason } from "../core/trajectory.js";
import type { DialectContext } from "../dialects/dialect.js";
import { viewSizeSent } from "../images/model-view.js";
import { BudgetTracker } from "./budget-tracker.js";
import { builtInPrices, type PriceTable, priceOf } from "./model-prices.js";
import { RepeatGuard } from "./repeat-guard.js";
import { RunCheckpoints, resumeStateOf } from "./run-checkpoints.js";
import type { RunAgentOptions, RunResult } from "./run-options.js";
import type { ActiveStep } from "./step-in-progress.js";
import type { StopCondition } from "./stop-conditions.js";
import { configuredApproval, eitherApproval, type NeedsApproval } from "./tool-approval.js";
import { TrajectoryRecorder } from "./trajectory-recorder.js";

/** What every kind of run starts with: its images, first messages, budget, recorder and events. */
export interface RunSetup {
  images: ImageSet;
  inputs: ImageRef[];
  context: DialectContext;
  /** The conversation: append-only. */
  messages: Message[];
  budget: BudgetTracker;
  guard: RepeatGuard;
  recorder: TrajectoryRecorder;
  signal: AbortSignal;
  emit: RunEventListener;
  /** The model's name, for stop conditions that price tokens. */
  modelName: string;
  /** The caller's stop conditions, checked after the budgets and the repeat guard. */
  stopWhen: readonly StopCondition[];
  needsApproval?: NeedsApproval;
  followUps: { afterStep: number; question: string }[];
  /** The step whose tool calls are under way (or wait for approval). */
  active?: ActiveStep;
  checkpoints: RunCheckpoints;
}

export interface RunOutcome {
  stopReason: StopReason;
  stopDescription?: string;
  answer?: string;
  error?: { code: string; message: string };
}

/** What a run needs of its options, fresh or resumed, besides the question. */
export type RunServicesOptions = Omit<RunAgentOptions, "question" | "choices" | "images">;

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
    choices: options.choices,
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
  const budget = new BudgetTracker(config.budgets, Date.now(), config.dialectOptions.toolCallLimits, {
    prices: runPrices(config, options.model.model),
  });
  return {
    ...runRules(options),
    images,
    inputs,
    context,
    messages,
    budget,
    guard: new RepeatGuard(config.budgets.maxRepeats),
    recorder,
    signal: options.signal ?? new AbortController().signal,
    emit,
    followUps: [],
    checkpoints: new RunCheckpoints({ onCheckpoint: options.onCheckpoint, store: options.checkpointStore }),
  };
}

/** The stop conditions and approval rule of a run: the config's and the caller's together. */
export function runRules(
  options: RunServicesOptions,
): Pick<RunSetup, "stopWhen" | "needsApproval" | "modelName"> {
  const { config } = options;
  const needsApproval = eitherApproval(configuredApproval(config.approval), options.needsApproval);
  return {
    stopWhen: options.stopWhen === undefined ? [] : [options.stopWhen].flat(),
    ...(needsApproval ? { needsApproval } : {}),
    modelName: options.model.model,
  };
}

/**
 * The price table of a run: the config's prices over Loupe's approximate ones. A cost budget
 * for a model with no price could never stop the run, so the run refuses to start instead.
 */
export function runPrices(config: LoupeConfig, model: string): PriceTable {
  const prices = { ...builtInPrices, ...config.modelPrices };
  if (config.budgets.maxCostUsd !== undefined && !priceOf(model, prices)) {
    throw new LoupeError(
      "config",
      `budgets.maxCostUsd is set, but no price is known for model "${model}": add it under modelPrices (inputPerMillionTokens, outputPerMillionTokens).`,
    );
  }
  return prices;
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

/**
 * Announces the answer and the end of the run, and builds its trajectory. A run cancelled or
 * failed keeps the resume state of its last checkpoint: the step it was in is recorded as it
 * ended, but a resumed run starts that step again from where the checkpoint left it.
 */
export function finishRun(setup: RunSetup, outcome: RunOutcome): RunResult {
  const { budget, emit, images } = setup;
  if (outcome.answer !== undefined) emit({ type: "answer", step: budget.steps, answer: outcome.answer });
  emit({
    type: "run-end",
    stopReason: outcome.stopReason,
    usage: budget.usage,
    durationMs: budget.elapsedMs(),
  });
  const interrupted = outcome.stopReason === "cancelled" || outcome.stopReason === "error";
  const resume = interrupted ? (setup.checkpoints.settled ?? resumeStateOf(setup)) : resumeStateOf(setup);
  const trajectory = setup.recorder.build({
    images,
    messages: setup.messages,
    budget,
    ...outcome,
    resume,
    followUps: setup.followUps,
  });
  return { trajectory, images };
}
