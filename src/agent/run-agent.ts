import { randomUUID } from "node:crypto";
import type { LoupeConfig } from "../core/config.js";
import { describeError, isLoupeError } from "../core/errors.js";
import type { RunEventListener } from "../core/events.js";
import { ImageSet } from "../core/image-set.js";
import type { ImageFacts } from "../core/images.js";
import type { Message } from "../core/messages.js";
import type { AnyTool } from "../core/tool.js";
import type { StopReason, Trajectory } from "../core/trajectory.js";
import type { Dialect, DialectContext } from "../dialects/dialect.js";
import { BudgetTracker } from "./budget-tracker.js";
import type { ChatModel } from "./chat-model.js";
import { RepeatGuard } from "./repeat-guard.js";
import { runStep, type StepServices } from "./run-step.js";
import { TrajectoryRecorder } from "./trajectory-recorder.js";
import { WireMessages } from "./wire-messages.js";

export interface AgentInputImage {
  bytes: Uint8Array;
  facts: ImageFacts;
  /** Path or URL the image came from, kept in its provenance. */
  source: string;
}

export interface RunAgentOptions {
  question: string;
  images: AgentInputImage[];
  config: LoupeConfig;
  model: ChatModel;
  dialect: Dialect;
  tools: AnyTool[];
  /** Replaces the dialect's default system prompt (e.g. the text a model was trained on). */
  systemPrompt?: string;
  signal?: AbortSignal;
  onEvent?: RunEventListener;
  runId?: string;
  /** The set the run's images go into; pass one to read produced images while the run goes on. */
  imageSet?: ImageSet;
}

export interface RunResult {
  trajectory: Trajectory;
  /** The run's images with their bytes, to write beside the trajectory. */
  images: ImageSet;
}

/**
 * Runs one question to an answer: think, act, observe, repeat. It always returns a trajectory,
 * also when the model fails, a budget runs out, or the run is cancelled: whatever was done is kept.
 */
export async function runAgent(options: RunAgentOptions): Promise<RunResult> {
  const { config, dialect, tools, question } = options;
  const emit: RunEventListener = options.onEvent ?? (() => {});
  const signal = options.signal ?? new AbortController().signal;
  const images = options.imageSet ?? new ImageSet();
  const inputs = options.images.map((input) =>
    images.add(input.bytes, input.facts, { kind: "input", source: input.source }),
  );
  const context: DialectContext = { tools, images, question };
  const messages: Message[] = [];
  const systemPrompt = options.systemPrompt ?? dialect.systemPrompt(context);
  if (systemPrompt) messages.push({ role: "system", content: systemPrompt });
  messages.push(dialect.userTurn(question, inputs));

  const budget = new BudgetTracker(config.budgets);
  const recorder = new TrajectoryRecorder({
    id: options.runId ?? randomUUID(),
    question,
    inputImageIds: inputs.map((ref) => ref.id),
    config,
    tools: tools.map((tool) => tool.name),
  });
  const services: StepServices = {
    model: options.model,
    dialect,
    context,
    messages,
    wire: new WireMessages(images, config.images.modelView, config.model.imageTransport),
    budget,
    guard: new RepeatGuard(config.budgets.maxRepeats),
    recorder,
    toolState: new Map(),
    signal,
    emit,
  };

  emit({
    type: "run-start",
    runId: recorder.id,
    question,
    images: inputs,
    model: options.model.model,
    dialect: dialect.name,
  });
  let stopReason: StopReason = "answer";
  let answer: string | undefined;
  let error: { code: string; message: string } | undefined;
  try {
    for (;;) {
      signal.throwIfAborted();
      const exhausted = budget.exhausted() ?? (services.guard.refusals >= 2 ? "repeated-action" : undefined);
      const outcome = await runStep(services, exhausted);
      if (outcome.done) {
        stopReason = outcome.stopReason;
        answer = outcome.answer;
        break;
      }
    }
  } catch (thrown) {
    if (signal.aborted) {
      stopReason = "cancelled";
    } else {
      stopReason = "error";
      error = { code: isLoupeError(thrown) ? thrown.code : "internal", message: describeError(thrown) };
      emit({ type: "error", code: error.code, message: error.message, retrying: false });
    }
  } finally {
    await disposeTools(tools, services.toolState);
  }
  if (answer !== undefined) emit({ type: "answer", step: budget.steps, answer });
  emit({ type: "run-end", stopReason, usage: budget.usage, durationMs: budget.elapsedMs() });
  return { trajectory: recorder.build({ images, messages, budget, stopReason, answer, error }), images };
}

async function disposeTools(tools: readonly AnyTool[], state: Map<string, unknown>): Promise<void> {
  await Promise.allSettled(tools.map(async (tool) => tool.dispose?.(state)));
}
