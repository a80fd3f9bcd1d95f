import type { ModelOutput } from "../core/model-output.js";
import type { RunImageView, ToolResult } from "../core/tool.js";
import type { StepRecord, StopReason } from "../core/trajectory.js";
import type {
  ActionError,
  Dialect,
  ParsedTurn,
  ToolCallOutcome,
  ToolCallRequest,
} from "../dialects/dialect.js";
import { ReplyTooLongError } from "../models/reply-limit.js";
import { callModel } from "./call-model.js";
import type { ChatModel } from "./chat-model.js";
import type { RunDeadline } from "./run-deadline.js";
import type { RunSetup } from "./run-setup.js";
import { finishedInOrder, observationOf } from "./step-in-progress.js";
import { planToolCalls, runToolCalls } from "./tool-calls.js";
import { type ExecutedCall, errorResult, reportSkippedCall } from "./tool-executor.js";
import { chooseAnswer, emptyReplyReason, finalTurnAnswer } from "./turn-answer.js";
import type { WireMessages } from "./wire-messages.js";

/** Everything one step needs; the run's setup, extended by runAgent for the length of a run. */
export interface StepServices extends RunSetup {
  model: ChatModel;
  dialect: Dialect;
  wire: WireMessages;
  toolState: Map<string, unknown>;
  /** How the run's model sees images, for the tools. */
  view: RunImageView;
  /** The run's time budget, as signals for each call. */
  deadline: RunDeadline;
}

/** Why the next turn is the final-answer turn: the stop reason, and the sentence the model reads. */
export interface FinalTurn {
  stopReason: StopReason;
  description: string;
}

export type StepOutcome =
  | { done: false }
  | {
      done: true;
      stopReason: StopReason;
      stopDescription?: string;
      answer?: string;
      error?: { code: string; message: string };
    };

/**
 * One model turn and the tool calls it asked for. With `final` set (a stop condition fired), the
 * model is asked for its best answer without tools, and the run ends whatever it says. The run's
 * deadline stops the model call and the tool calls; a step cut short by it leads to the final turn.
 */
export async function runStep(services: StepServices, final?: FinalTurn): Promise<StepOutcome> {
  const { dialect, context, messages, budget, deadline } = services;
  const index = budget.steps + 1;
  const startedAt = new Date();
  services.emit({ type: "step-start", step: index });
  if (final) messages.push(dialect.finalAnswerRequest(final.description, context));

  const finalTurn = final !== undefined;
  const modelSignal = finalTurn ? deadline.finalTurnSignal() : deadline.callSignal();
  let reply: Awaited<ReturnType<typeof callModel>>;
  try {
    reply = await callModel(services, index, { finalTurn, signal: modelSignal });
  } catch (error) {
    // A reply stopped at its size limit ends the run, but what arrived is kept as the step.
    if (error instanceof ReplyTooLongError) recordCutReply(services, index, startedAt, error.partial);
    if (!deadline.stoppedByDeadline(modelSignal)) throw error;
    // Time ran out mid-request: the loop asks for the final answer next, unless this was that turn.
    if (!final) return { done: false };
    return endWithoutAnswer(services, final, "the final-answer request ran past its grace period");
  }
  const { output, durationMs: modelDurationMs } = reply;
  budget.recordStep(output.usage);
  const parsed = dialect.parse(output, context);
  messages.push(dialect.assistantMessage(output));

  const answer = final ? finalTurnAnswer(parsed, output) : chooseAnswer(parsed, output);
  const askedForNothing = parsed.calls.length === 0 && parsed.errors.length === 0;
  if (!final && answer === undefined && !askedForNothing) {
    services.active = {
      index,
      startedAt,
      modelDurationMs,
      output: recordedOutput(output, parsed),
      usage: output.usage,
      calls: parsed.calls,
      errors: parsed.errors,
      refusals: new Map(),
      awaiting: new Set(),
      finished: new Map(),
    };
    planToolCalls(services, services.active);
    return continueStep(services);
  }

  const executed = final
    ? parsed.calls.map((call) => reportSkippedCall(call, index, finalTurnRefusal(final), services.emit))
    : [];
  const outcomes = outcomesOf(executed, parsed.errors);
  if (outcomes.length > 0) messages.push(...dialect.observations(outcomes, context));
  services.recorder.addStep({
    ...stepRecord(
      recordedOutput(output, parsed),
      parsed.calls,
      parsed.errors,
      executed,
      output.usage,
      answer,
    ),
    index,
    startedAt: startedAt.toISOString(),
    durationMs: Date.now() - startedAt.getTime(),
    modelDurationMs,
  });

  if (final) {
    if (answer !== undefined) return { done: true, ...finalOutcome(final), answer };
    return endWithoutAnswer(services, final, "the final-answer turn held only actions, no answer");
  }
  // Asking again would send the same conversation: the run ends, saying why there is no answer.
  if (answer === undefined)
    return endWithoutAnswer(services, { stopReason: "no-action" }, emptyReplyReason(output));
  return { done: true, stopReason: parsed.answer === undefined ? "no-action" : "answer", answer };
}

/**
 * The tool calls of the step in progress (services.active), from wherever they stand: planned
 * just now, or restored from a checkpoint with some already finished. When calls wait for the
 * user's approval the run pauses before any of them runs. Otherwise the calls run, their
 * observations are appended and the step is recorded.
 */
export async function continueStep(services: StepServices): Promise<StepOutcome> {
  const step = services.active;
  if (!step) return { done: false };
  // The model's reply and the plan are saved before any call runs: a resumed run never asks again.
  await services.checkpoints.save(services);
  if (step.awaiting.size > 0) {
    const waiting = step.calls.filter((call) => step.awaiting.has(call.id));
    const list = waiting.map((call) => `${call.id} (${call.name})`).join(", ");
    return { done: true, stopReason: "paused", stopDescription: `waiting for approval: ${list}` };
  }
  await runToolCalls(services, step, services.deadline.callSignal());
  const executed = finishedInOrder(step);
  const outcomes = outcomesOf(executed, step.errors);
  if (outcomes.length > 0)
    services.messages.push(...services.dialect.observations(outcomes, services.context));
  services.recorder.addStep({
    ...stepRecord(step.output, step.calls, step.errors, executed, step.usage, undefined),
    index: step.index,
    startedAt: step.startedAt.toISOString(),
    durationMs: Date.now() - step.startedAt.getTime(),
    modelDurationMs: step.modelDurationMs,
  });
  services.active = undefined;
  return { done: false };
}

function outcomesOf(executed: readonly ExecutedCall[], errors: readonly ActionError[]): ToolCallOutcome[] {
  return [
    ...executed.map(({ call, result }) => ({ id: call.id, name: call.name, result })),
    ...errors.map((error) => ({
      id: error.id,
      name: error.name ?? "action",
      result: errorResult(error.message),
    })),
  ];
}

function finalOutcome(final: FinalTurn): { stopReason: StopReason; stopDescription?: string } {
  return final.stopReason === "stop-condition"
    ? { stopReason: final.stopReason, stopDescription: final.description }
    : { stopReason: final.stopReason };
}

/** Records a reply that was stopped at its size limit: no actions run, no answer. */
function recordCutReply(services: StepServices, index: number, startedAt: Date, output: ModelOutput): void {
  services.budget.recordStep(output.usage);
  const durationMs = Date.now() - startedAt.getTime();
  services.recorder.addStep({
    ...stepRecord(recordedOutput(output, {}), [], [], [], output.usage, undefined),
    index,
    startedAt: startedAt.toISOString(),
    durationMs,
    modelDurationMs: durationMs,
  });
}

/** Calls written in the final-answer turn are not run; they are answered so the conversation stays whole. */
function finalTurnRefusal(final: FinalTurn): ToolResult {
  return errorResult(`Not run: ${final.description}, so the run has ended.`);
}

/**
 * A run whose final-answer turn gave no answer: it keeps the budget's stop reason, and says why
 * there is no answer in the trajectory's error (announced as an event, as a replay shows it).
 */
function endWithoutAnswer(
  services: StepServices,
  final: FinalTurn | { stopReason: StopReason },
  why: string,
): StepOutcome {
  const error = { code: "no-answer", message: `No answer was recorded: ${why}.` };
  services.emit({ type: "error", code: error.code, message: error.message, retrying: false });
  const reason = "description" in final ? finalOutcome(final) : { stopReason: final.stopReason };
  return { done: true, ...reason, error };
}

/** The model's turn as the trajectory keeps it. */
function recordedOutput(output: ModelOutput, parsed: Pick<ParsedTurn, "reasoning">): StepRecord["output"] {
  return {
    content: output.content,
    reasoning: output.reasoning ?? parsed.reasoning,
    toolCalls: output.toolCalls,
    finishReason: output.finishReason,
  };
}

/** What the trajectory keeps of a step, timings aside. */
function stepRecord(
  output: StepRecord["output"],
  calls: readonly ToolCallRequest[],
  errors: readonly ActionError[],
  executed: readonly ExecutedCall[],
  usage: StepRecord["usage"],
  answer: string | undefined,
): Omit<StepRecord, "index" | "startedAt" | "durationMs" | "modelDurationMs"> {
  return {
    output,
    actions: calls.map((call) => ({
      id: call.id,
      tool: call.name,
      arguments: call.arguments,
      raw: call.raw,
    })),
    actionErrors: errors.map((error) => ({ id: error.id, message: error.message, raw: error.raw })),
    observations: executed.map(observationOf),
    usage,
    ...(answer === undefined ? {} : { answer }),
  };
}
