import type { ImageSet } from "../core/image-set.js";
import type { ImageRef } from "../core/images.js";
import type { TokenUsage } from "../core/model-output.js";
import type { StepInProgress, StepRecord } from "../core/trajectory.js";
import type { ActionError, ToolCallRequest } from "../dialects/dialect.js";
import type { ExecutedCall } from "./tool-executor.js";

/**
 * A step between the model's reply and the end of its tool calls: what was asked, which calls
 * were refused before any ran (budgets, the repeat guard, the user), which wait for approval, and
 * which have finished. Checkpointed after each finished call, so a resumed run runs only the rest.
 */
export interface ActiveStep {
  index: number;
  startedAt: Date;
  modelDurationMs: number;
  output: StepRecord["output"];
  usage: TokenUsage;
  calls: ToolCallRequest[];
  errors: ActionError[];
  /** Observation text of each call refused before any ran, by call id. */
  refusals: Map<string, string>;
  /** Calls waiting for the user's approval: the run pauses before running any call of the step. */
  awaiting: Set<string>;
  /** Calls that finished (or were answered without running), by call id. */
  finished: Map<string, ExecutedCall>;
}

/** The finished calls in the model's order. */
export function finishedInOrder(step: ActiveStep): ExecutedCall[] {
  return step.calls.flatMap((call) => {
    const done = step.finished.get(call.id);
    return done ? [done] : [];
  });
}

export function observationOf({
  call,
  result,
  durationMs,
}: ExecutedCall): StepRecord["observations"][number] {
  return {
    callId: call.id,
    tool: call.name,
    text: result.text,
    images: result.images.map((image) => image.id),
    data: result.data,
    isError: result.isError === true,
    durationMs,
  };
}

/** The step as a checkpoint keeps it. */
export function stepInProgressRecord(step: ActiveStep): StepInProgress {
  return {
    index: step.index,
    startedAt: step.startedAt.toISOString(),
    modelDurationMs: step.modelDurationMs,
    output: step.output,
    actions: step.calls.map((call) => ({
      id: call.id,
      tool: call.name,
      arguments: call.arguments,
      raw: call.raw,
    })),
    actionErrors: step.errors.map((error) => ({
      id: error.id,
      message: error.message,
      raw: error.raw,
      ...(error.name === undefined ? {} : { name: error.name }),
    })),
    observations: finishedInOrder(step).map(observationOf),
    usage: step.usage,
    refusals: Object.fromEntries(step.refusals),
  };
}

/** A checkpointed step back in memory; its finished calls' results rebuilt from their observations. */
export function restoreActiveStep(
  record: StepInProgress,
  awaiting: readonly string[],
  images: ImageSet,
): ActiveStep {
  const calls: ToolCallRequest[] = record.actions.map((action) => ({
    id: action.id,
    name: action.tool,
    arguments: action.arguments,
    raw: action.raw,
  }));
  const finished = new Map<string, ExecutedCall>();
  for (const observation of record.observations) {
    const call = calls.find((candidate) => candidate.id === observation.callId);
    if (!call) continue;
    const refs = observation.images.flatMap((id): ImageRef[] => {
      const ref = images.byId(id);
      return ref ? [ref] : [];
    });
    finished.set(call.id, {
      call,
      result: {
        text: observation.text,
        images: refs,
        ...(observation.data === undefined ? {} : { data: observation.data as never }),
        isError: observation.isError,
      },
      durationMs: observation.durationMs,
    });
  }
  return {
    index: record.index,
    startedAt: new Date(record.startedAt),
    modelDurationMs: record.modelDurationMs,
    output: record.output,
    usage: record.usage,
    calls,
    errors: record.actionErrors.map((error) => ({ ...error })),
    refusals: new Map(Object.entries(record.refusals)),
    awaiting: new Set(awaiting),
    finished,
  };
}
