import type { RunEventListener } from "../core/events.js";
import type { Message } from "../core/messages.js";
import type { ModelOutput } from "../core/model-output.js";
import type { RunImageView, ToolResult } from "../core/tool.js";
import type { StepRecord, StopReason } from "../core/trajectory.js";
import type { Dialect, DialectContext, ParsedTurn, ToolCallOutcome } from "../dialects/dialect.js";
import { ReplyTooLongError } from "../models/reply-limit.js";
import { type BudgetTracker, describeStop } from "./budget-tracker.js";
import { callModel } from "./call-model.js";
import type { ChatModel } from "./chat-model.js";
import type { RepeatGuard } from "./repeat-guard.js";
import type { RunDeadline } from "./run-deadline.js";
import { runToolCalls } from "./tool-calls.js";
import { type ExecutedCall, errorResult, reportSkippedCall } from "./tool-executor.js";
import type { TrajectoryRecorder } from "./trajectory-recorder.js";
import { chooseAnswer, emptyReplyReason, finalTurnAnswer } from "./turn-answer.js";
import type { WireMessages } from "./wire-messages.js";

/** Everything one step needs; owned by runAgent for the length of a run. */
export interface StepServices {
  model: ChatModel;
  dialect: Dialect;
  context: DialectContext;
  /** The conversation: append-only. */
  messages: Message[];
  wire: WireMessages;
  budget: BudgetTracker;
  guard: RepeatGuard;
  recorder: TrajectoryRecorder;
  toolState: Map<string, unknown>;
  /** How the run's model sees images, for the tools. */
  view: RunImageView;
  /** The user's cancellation of the run. */
  signal: AbortSignal;
  /** The run's time budget, as signals for each call. */
  deadline: RunDeadline;
  emit: RunEventListener;
}

export type StepOutcome =
  | { done: false }
  | { done: true; stopReason: StopReason; answer?: string; error?: { code: string; message: string } };

/**
 * One model turn and the tool calls it asked for. With `finalReason` set (a budget ran out), the
 * model is asked for its best answer without tools, and the run ends whatever it says. The run's
 * deadline stops the model call and the tool calls; a step cut short by it leads to the final turn.
 */
export async function runStep(services: StepServices, finalReason?: StopReason): Promise<StepOutcome> {
  const { dialect, context, messages, budget, deadline } = services;
  const index = budget.steps + 1;
  const startedAt = new Date();
  services.emit({ type: "step-start", step: index });
  if (finalReason) messages.push(dialect.finalAnswerRequest(describeStop(finalReason), context));

  const finalTurn = finalReason !== undefined;
  const modelSignal = finalTurn ? deadline.finalTurnSignal() : deadline.callSignal();
  let reply: Awaited<ReturnType<typeof callModel>>;
  try {
    reply = await callModel(services, index, { finalTurn, signal: modelSignal });
  } catch (error) {
    // A reply stopped at its size limit ends the run, but what arrived is kept as the step.
    if (error instanceof ReplyTooLongError) recordCutReply(services, index, startedAt, error.partial);
    if (!deadline.stoppedByDeadline(modelSignal)) throw error;
    // Time ran out mid-request: the loop asks for the final answer next, unless this was that turn.
    if (!finalReason) return { done: false };
    return endWithoutAnswer(services, finalReason, "the final-answer request ran past its grace period");
  }
  const { output, durationMs: modelDurationMs } = reply;
  budget.recordStep(output.usage);
  const parsed = dialect.parse(output, context);
  messages.push(dialect.assistantMessage(output));

  const answer = finalReason ? finalTurnAnswer(parsed, output) : chooseAnswer(parsed, output);
  const executed = finalReason
    ? parsed.calls.map((call) => reportSkippedCall(call, index, finalTurnRefusal(finalReason), services.emit))
    : answer === undefined
      ? await runToolCalls(services, parsed, index, deadline.callSignal())
      : [];
  const outcomes: ToolCallOutcome[] = [
    ...executed.map(({ call, result }) => ({ id: call.id, name: call.name, result })),
    ...parsed.errors.map((error) => ({
      id: error.id,
      name: error.name ?? "action",
      result: errorResult(error.message),
    })),
  ];
  if (outcomes.length > 0) messages.push(...dialect.observations(outcomes, context));

  services.recorder.addStep({
    ...stepRecord(output, parsed, executed, answer),
    index,
    startedAt: startedAt.toISOString(),
    durationMs: Date.now() - startedAt.getTime(),
    modelDurationMs,
  });

  if (finalReason) {
    if (answer !== undefined) return { done: true, stopReason: finalReason, answer };
    return endWithoutAnswer(services, finalReason, "the final-answer turn held only actions, no answer");
  }
  if (answer === undefined) {
    const askedForNothing = parsed.calls.length === 0 && parsed.errors.length === 0;
    // Asking again would send the same conversation: the run ends, saying why there is no answer.
    if (askedForNothing) return endWithoutAnswer(services, "no-action", emptyReplyReason(output));
    return { done: false };
  }
  return { done: true, stopReason: parsed.answer === undefined ? "no-action" : "answer", answer };
}

/** Records a reply that was stopped at its size limit: no actions run, no answer. */
function recordCutReply(services: StepServices, index: number, startedAt: Date, output: ModelOutput): void {
  services.budget.recordStep(output.usage);
  const durationMs = Date.now() - startedAt.getTime();
  services.recorder.addStep({
    ...stepRecord(output, { calls: [], errors: [] }, [], undefined),
    index,
    startedAt: startedAt.toISOString(),
    durationMs,
    modelDurationMs: durationMs,
  });
}

/** Calls written in the final-answer turn are not run; they are answered so the conversation stays whole. */
function finalTurnRefusal(reason: StopReason): ToolResult {
  return errorResult(`Not run: ${describeStop(reason)}, so the run has ended.`);
}

/**
 * A run whose final-answer turn gave no answer: it keeps the budget's stop reason, and says why
 * there is no answer in the trajectory's error (announced as an event, as a replay shows it).
 */
function endWithoutAnswer(services: StepServices, stopReason: StopReason, why: string): StepOutcome {
  const error = { code: "no-answer", message: `No answer was recorded: ${why}.` };
  services.emit({ type: "error", code: error.code, message: error.message, retrying: false });
  return { done: true, stopReason, error };
}

/** What the trajectory keeps of a step, timings aside. */
function stepRecord(
  output: ModelOutput,
  parsed: ParsedTurn,
  executed: readonly ExecutedCall[],
  answer: string | undefined,
): Omit<StepRecord, "index" | "startedAt" | "durationMs" | "modelDurationMs"> {
  return {
    output: {
      content: output.content,
      reasoning: output.reasoning ?? parsed.reasoning,
      toolCalls: output.toolCalls,
      finishReason: output.finishReason,
    },
    actions: parsed.calls.map((call) => ({
      id: call.id,
      tool: call.name,
      arguments: call.arguments,
      raw: call.raw,
    })),
    actionErrors: parsed.errors.map((error) => ({ id: error.id, message: error.message, raw: error.raw })),
    observations: executed.map(({ call, result, durationMs }) => ({
      callId: call.id,
      tool: call.name,
      text: result.text,
      images: result.images.map((image) => image.id),
      data: result.data,
      isError: result.isError === true,
      durationMs,
    })),
    usage: output.usage,
    ...(answer === undefined ? {} : { answer }),
  };
}
