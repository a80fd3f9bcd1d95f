import type { TokenUsage } from "../core/model-output.js";
import type { ParsedTurn, ToolCallRequest } from "../dialects/dialect.js";
import type { StepServices } from "./run-step.js";
import {
  type ExecutedCall,
  errorResult,
  executeToolCall,
  interruptedResult,
  reportSkippedCall,
} from "./tool-executor.js";

/** A call with the reason it may not run, decided before anything runs. */
interface PlannedCall {
  call: ToolCallRequest;
  refusal?: string;
}

/**
 * Runs the calls of one turn, in the order the model wrote them. Budgets and the repeat guard are
 * applied first, so a turn with five calls and two calls left in the budget runs exactly the first
 * two allowed ones; refused calls get an observation saying why. Calls run concurrently when the
 * dialect allows parallel calls; results keep the model's order either way. `signal` stops them
 * when the user cancels or the run's time budget runs out.
 */
export async function runToolCalls(
  services: StepServices,
  parsed: ParsedTurn,
  step: number,
  signal: AbortSignal,
): Promise<ExecutedCall[]> {
  const planned = parsed.calls.map((call) => planCall(services, call));
  const executorOptions = {
    tools: services.context.tools,
    images: services.context.images,
    question: services.context.question,
    view: services.view,
    state: services.toolState,
    reportUsage: (usage: TokenUsage) => services.budget.recordUsage(usage),
    signal,
    userSignal: services.signal,
    emit: services.emit,
  };
  const run = async (item: PlannedCall): Promise<ExecutedCall> => {
    if (item.refusal !== undefined)
      return reportSkippedCall(item.call, step, errorResult(item.refusal), services.emit);
    // A call not yet started when the run is cancelled or out of time never starts.
    if (signal.aborted) return { call: item.call, result: interruptedResult(services.signal), durationMs: 0 };
    return executeToolCall(item.call, step, executorOptions);
  };
  if (services.dialect.requestOptions(services.context).parallelToolCalls)
    return Promise.all(planned.map(run));
  const results: ExecutedCall[] = [];
  for (const item of planned) results.push(await run(item));
  return results;
}

function planCall(services: StepServices, call: ToolCallRequest): PlannedCall {
  const { budget, guard } = services;
  if (budget.remainingToolCalls() <= 0) {
    return {
      call,
      refusal: "Not run: the tool-call budget for this run is used up. Give your final answer.",
    };
  }
  const limit = budget.toolLimitReached(call.name);
  if (limit !== undefined) {
    const times = limit === 1 ? "once" : `${limit} times`;
    return {
      call,
      refusal: `Not run: ${call.name} may be called only ${times} in a run. Answer with what you have.`,
    };
  }
  if (!guard.allow(call.name, call.arguments)) {
    return {
      call,
      refusal: `Not run: this exact ${call.name} call already ran; its result is above. Try something different or answer.`,
    };
  }
  budget.recordToolCall(call.name);
  return { call };
}
