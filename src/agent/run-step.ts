import type { RunEventListener } from "../core/events.js";
import type { Message } from "../core/messages.js";
import type { ModelOutput } from "../core/model-output.js";
import type { StepRecord, StopReason } from "../core/trajectory.js";
import type { Dialect, DialectContext, ParsedTurn, ToolCallOutcome } from "../dialects/dialect.js";
import { type BudgetTracker, describeStop } from "./budget-tracker.js";
import { callModel } from "./call-model.js";
import type { ChatModel } from "./chat-model.js";
import type { RepeatGuard } from "./repeat-guard.js";
import { runToolCalls } from "./tool-calls.js";
import { type ExecutedCall, errorResult } from "./tool-executor.js";
import type { TrajectoryRecorder } from "./trajectory-recorder.js";
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
  signal: AbortSignal;
  emit: RunEventListener;
}

export type StepOutcome = { done: false } | { done: true; stopReason: StopReason; answer?: string };

/**
 * One model turn and the tool calls it asked for. With `finalReason` set (a budget ran out), the
 * model is asked for its best answer without tools, and the run ends whatever it says.
 */
export async function runStep(services: StepServices, finalReason?: StopReason): Promise<StepOutcome> {
  const { dialect, context, messages, budget } = services;
  const index = budget.steps + 1;
  const startedAt = new Date();
  services.emit({ type: "step-start", step: index });
  if (finalReason) messages.push(dialect.finalAnswerRequest(describeStop(finalReason)));

  const { output, durationMs: modelDurationMs } = await callModel(services, index, finalReason !== undefined);
  budget.recordStep(output.usage);
  const parsed = dialect.parse(output, context);
  messages.push(dialect.assistantMessage(output));

  const answer = finalReason ? (parsed.answer ?? visibleText(output)) : chooseAnswer(parsed, output);
  const executed = answer === undefined ? await runToolCalls(services, parsed, index) : [];
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

  if (finalReason) return { done: true, stopReason: finalReason, answer };
  if (answer === undefined) return { done: false };
  return { done: true, stopReason: parsed.answer === undefined ? "no-action" : "answer", answer };
}

/** The turn's answer: an explicit one, or the visible text of a turn that asked for nothing. */
function chooseAnswer(parsed: ParsedTurn, output: ModelOutput): string | undefined {
  if (parsed.answer !== undefined) return parsed.answer;
  if (parsed.calls.length === 0 && parsed.errors.length === 0) return visibleText(output);
  return undefined;
}

function visibleText(output: ModelOutput): string {
  return output.content.replace(/<think>[\s\S]*?(<\/think>|$)/g, "").trim();
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
