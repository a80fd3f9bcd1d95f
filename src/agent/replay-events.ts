import type { RunEvent } from "../core/events.js";
import type { ImageSet } from "../core/image-set.js";
import type { ImageRef } from "../core/images.js";
import type { StepRecord, Trajectory } from "../core/trajectory.js";

/** The events a recorded run would have emitted, in order, so any event renderer can replay it. */
export function* replayEvents(trajectory: Trajectory, images: ImageSet): Generator<RunEvent> {
  const known = (id: string): ImageRef[] => {
    const ref = images.byId(id);
    return ref ? [ref] : [];
  };
  yield {
    type: "run-start",
    runId: trajectory.id,
    question: trajectory.question,
    images: trajectory.inputs.images.flatMap(known),
    model: trajectory.config.model,
    dialect: trajectory.config.dialect,
  };
  for (const step of trajectory.steps) yield* stepEvents(step, known);
  if (trajectory.error)
    yield { type: "error", code: trajectory.error.code, message: trajectory.error.message, retrying: false };
  if (trajectory.answer !== undefined)
    yield { type: "answer", step: trajectory.steps.length, answer: trajectory.answer };
  yield {
    type: "run-end",
    stopReason: trajectory.stopReason,
    usage: trajectory.budgetsUsed.usage,
    durationMs: trajectory.budgetsUsed.wallMs,
  };
}

/** The events of one recorded step: its start, its text, and each call with its observation. */
export function* stepEvents(step: StepRecord, known: (imageId: string) => ImageRef[]): Generator<RunEvent> {
  yield { type: "step-start", step: step.index };
  if (step.output.reasoning) yield { type: "reasoning-delta", step: step.index, text: step.output.reasoning };
  if (step.output.content) yield { type: "text-delta", step: step.index, text: step.output.content };
  for (const observation of step.observations) {
    const action = step.actions.find((candidate) => candidate.id === observation.callId);
    yield {
      type: "tool-call-start",
      step: step.index,
      callId: observation.callId,
      tool: observation.tool,
      arguments: action?.arguments,
    };
    yield {
      type: "tool-call-end",
      step: step.index,
      callId: observation.callId,
      tool: observation.tool,
      text: observation.text,
      images: observation.images.flatMap(known),
      isError: observation.isError,
      durationMs: observation.durationMs,
    };
  }
  for (const error of step.actionErrors) {
    yield { type: "error", step: step.index, code: "model-output", message: error.message, retrying: false };
  }
}
