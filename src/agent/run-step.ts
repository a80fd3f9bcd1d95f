import type { RunEventListener } from "../core/events.js";
import type { Message } from "../core/messages.js";
import type { ModelOutput } from "../core/model-output.js";
import type { StopReason } from "../core/trajectory.js";
import type { Dialect, DialectContext, ParsedTurn, ToolCallOutcome } from "../dialects/dialect.js";
import { type BudgetTracker, describeStop } from "./budget-tracker.js";
import type { ChatModel } from "./chat-model.js";
import type { RepeatGuard } from "./repeat-guard.js";
import { type ExecutedCall, errorResult, executeToolCall } from "./tool-executor.js";
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
  const { dialect, context, messages, budget, emit, signal } = services;
  const index = budget.steps + 1;
  const startedAt = new Date();
  emit({ type: "step-start", step: index });
  if (finalReason) messages.push(dialect.finalAnswerRequest(describeStop(finalReason)));

  const options = dialect.requestOptions(context);
  const modelStartedAt = performance.now();
  const output = await services.model.complete({
    messages: await services.wire.render(messages),
    stop: options.stop,
    tools: finalReason ? undefined : options.tools,
    parallelToolCalls: finalReason ? undefined : options.parallelToolCalls,
    restoreStopSequence: (options.stop?.length ?? 0) > 0,
    signal,
    onTextDelta: (text) => emit({ type: "text-delta", step: index, text }),
    onReasoningDelta: (text) => emit({ type: "reasoning-delta", step: index, text }),
    onRetry: ({ error, attempt, delayMs }) =>
      emit({
        type: "error",
        step: index,
        code: error.code,
        message: `${error.message} (retry ${attempt} in ${Math.round(delayMs)} ms)`,
        retrying: true,
      }),
  });
  const modelDurationMs = performance.now() - modelStartedAt;
  budget.recordStep(output.usage);
  const parsed = dialect.parse(output, context);
  messages.push(dialect.assistantMessage(output));

  const answer = finalReason ? (parsed.answer ?? visibleText(output)) : chooseAnswer(parsed, output);
  const executed = answer === undefined ? await executeCalls(services, parsed, index) : [];
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
    index,
    startedAt: startedAt.toISOString(),
    durationMs: Date.now() - startedAt.getTime(),
    modelDurationMs,
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
    answer,
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

async function executeCalls(
  services: StepServices,
  parsed: ParsedTurn,
  step: number,
): Promise<ExecutedCall[]> {
  const { budget, guard, dialect } = services;
  const executorOptions = {
    tools: services.context.tools,
    images: services.context.images,
    question: services.context.question,
    state: services.toolState,
    signal: services.signal,
    emit: services.emit,
  };
  const planned = parsed.calls.map((call) => {
    if (budget.remainingToolCalls() <= 0) {
      return {
        call,
        refusal: "Not run: the tool-call budget for this run is used up. Give your final answer.",
      };
    }
    if (!guard.allow(call.name, call.arguments)) {
      return {
        call,
        refusal: `Not run: this exact ${call.name} call already ran; its result is above. Try something different or answer.`,
      };
    }
    budget.recordToolCall();
    return { call, refusal: undefined };
  });
  const run = (item: (typeof planned)[number]): Promise<ExecutedCall> =>
    item.refusal === undefined
      ? executeToolCall(item.call, step, executorOptions)
      : Promise.resolve({ call: item.call, result: errorResult(item.refusal), durationMs: 0 });
  if (dialect.requestOptions(services.context).parallelToolCalls) return Promise.all(planned.map(run));
  const results: ExecutedCall[] = [];
  for (const item of planned) results.push(await run(item));
  return results;
}
