import type { TokenUsage } from "../core/model-output.js";
import type { ToolCallRequest } from "../dialects/dialect.js";
import type { StepServices } from "./run-step.js";
import type { ActiveStep } from "./step-in-progress.js";
import { approvalRequest } from "./tool-approval.js";
import {
  type ExecutedCall,
  errorResult,
  executeToolCall,
  interruptedResult,
  reportSkippedCall,
} from "./tool-executor.js";

/**
 * Decides, before anything runs, which calls of the step may run. Budgets and the repeat guard
 * are applied first, so a turn with five calls and two calls left in the budget runs exactly the
 * first two allowed ones; refused calls get an observation saying why. Calls the approval rules
 * name wait for the user. The decisions are checkpointed with the step, so a resumed run keeps them.
 */
export function planToolCalls(services: StepServices, step: ActiveStep): void {
  for (const call of step.calls) {
    const refusal = refusalOf(services, call);
    if (refusal !== undefined) step.refusals.set(call.id, refusal);
    else if (services.needsApproval?.(approvalRequest(call), services.recorder.steps))
      step.awaiting.add(call.id);
  }
}

/**
 * Runs the step's calls that have not finished, in the order the model wrote them, checkpointing
 * after each: a run killed midway keeps the calls that finished. Calls run concurrently when the
 * dialect allows parallel calls; results keep the model's order either way. `signal` stops them
 * when the user cancels or the run's time budget runs out.
 */
export async function runToolCalls(
  services: StepServices,
  step: ActiveStep,
  signal: AbortSignal,
): Promise<void> {
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
  const run = async (call: ToolCallRequest): Promise<void> => {
    const refusal = step.refusals.get(call.id);
    let executed: ExecutedCall;
    if (refusal !== undefined)
      executed = reportSkippedCall(call, step.index, errorResult(refusal), services.emit);
    // A call not yet started when the run is cancelled or out of time never starts.
    else if (signal.aborted) executed = { call, result: interruptedResult(services.signal), durationMs: 0 };
    else executed = await executeToolCall(call, step.index, executorOptions);
    step.finished.set(call.id, executed);
    // An interrupted call did not finish: the checkpoint must not say it did.
    if (!signal.aborted) await services.checkpoints.save(services);
  };
  const remaining = step.calls.filter((call) => !step.finished.has(call.id));
  if (services.dialect.requestOptions(services.context).parallelToolCalls) {
    await Promise.all(remaining.map(run));
    return;
  }
  for (const call of remaining) await run(call);
}

function refusalOf(services: StepServices, call: ToolCallRequest): string | undefined {
  const { budget, guard } = services;
  if (budget.remainingToolCalls() <= 0)
    return "Not run: the tool-call budget for this run is used up. Give your final answer.";
  const limit = budget.toolLimitReached(call.name);
  if (limit !== undefined) {
    const times = limit === 1 ? "once" : `${limit} times`;
    return `Not run: ${call.name} may be called only ${times} in a run. Answer with what you have.`;
  }
  if (!guard.allow(call.name, call.arguments))
    return `Not run: this exact ${call.name} call already ran; its result is above. Try something different or answer.`;
  budget.recordToolCall(call.name);
  return undefined;
}
