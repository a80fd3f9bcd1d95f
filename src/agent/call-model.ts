import type { ModelOutput } from "../core/model-output.js";
import type { StepServices } from "./run-step.js";

/**
 * One model request for a step: the whole conversation so far, the dialect's stop sequences and,
 * unless this is the final-answer turn, its tools. Streamed text and reasoning become events;
 * a retry is reported as a recoverable error event, a silent server as model-wait events. `signal` ends the request and its retries
 * (the user's cancellation or the run's deadline).
 */
export async function callModel(
  services: StepServices,
  step: number,
  options: { finalTurn: boolean; signal: AbortSignal },
): Promise<{ output: ModelOutput; durationMs: number }> {
  const { dialect, context, emit } = services;
  const { finalTurn, signal } = options;
  const request = dialect.requestOptions(context);
  const startedAt = performance.now();
  const output = await services.model.complete({
    messages: await services.wire.render(services.messages),
    stop: request.stop,
    // The final-answer turn offers no tools: the model can only answer.
    tools: finalTurn ? undefined : request.tools,
    parallelToolCalls: finalTurn ? undefined : request.parallelToolCalls,
    restoreStopSequence: (request.stop?.length ?? 0) > 0,
    signal,
    onTextDelta: (text) => emit({ type: "text-delta", step, text }),
    onReasoningDelta: (text) => emit({ type: "reasoning-delta", step, text }),
    onWait: ({ waitedMs }) => emit({ type: "model-wait", step, waitedMs }),
    onRetry: ({ error, attempt, delayMs }) =>
      emit({
        type: "error",
        step,
        code: error.code,
        message: `${error.message} (retry ${attempt} in ${Math.round(delayMs)} ms)`,
        retrying: true,
      }),
  });
  return { output, durationMs: performance.now() - startedAt };
}
