import type { ImageConfig } from "../core/config.js";
import type { ModelOutput } from "../core/model-output.js";
import { zeroUsage } from "../core/model-output.js";
import type { StepRecord } from "../core/trajectory.js";
import { loupeAction, parseSkyworkTranscript, type SkyworkStep } from "../models/skywork-transcript.js";
import { stepEvents } from "./replay-events.js";
import { RunDeadline } from "./run-deadline.js";
import type { RunAgentOptions, RunResult } from "./run-options.js";
import { failureOutcome, finishRun, prepareRun, type RunOutcome, type RunSetup } from "./run-setup.js";
import { type HostedObservation, recordHostedImages } from "./transcript-images.js";
import { withoutThinking } from "./turn-answer.js";
import { WireMessages } from "./wire-messages.js";

/**
 * A run on a server that runs the agent loop itself (Skywork's hosted R1V4 API): one request, one
 * reply holding the whole multi-turn transcript. Nothing runs here; the transcript's steps are
 * recorded as trajectory steps, and announced with the same events a local run emits, so every
 * renderer shows it the same way.
 *
 * The request carries no system prompt of the dialect's (the server adds its own; a user-given one
 * is still sent), no tools and no stop sequences (a stop at a closing tag would cut the transcript).
 */
export async function runTranscript(options: RunAgentOptions): Promise<RunResult> {
  const setup = prepareRun(options, () => options.systemPrompt);
  const wire = new WireMessages(
    setup.images,
    options.config.images.modelView,
    options.config.model.imageTransport,
  );
  // The whole hosted run is one request, so the time budget bounds that request.
  const deadline = new RunDeadline({
    userSignal: setup.signal,
    budget: setup.budget,
    modelTimeoutMs: options.config.model.timeoutMs,
  });
  const callSignal = deadline.callSignal();
  let outcome: RunOutcome;
  try {
    setup.signal.throwIfAborted();
    const startedAt = new Date();
    const modelStartedAt = performance.now();
    const output = await options.model.complete({
      messages: await wire.render(setup.messages),
      signal: callSignal,
      onRetry: ({ error, attempt, delayMs }) =>
        setup.emit({
          type: "error",
          step: 1,
          code: error.code,
          message: `${error.message} (retry ${attempt} in ${Math.round(delayMs)} ms)`,
          retrying: true,
        }),
    });
    const timing = { startedAt, modelDurationMs: performance.now() - modelStartedAt };
    setup.messages.push({
      role: "assistant",
      content: output.content,
      ...(output.reasoning ? { reasoning: output.reasoning } : {}),
    });
    outcome = await recordTranscript(setup, output, timing, options.config.images);
  } catch (thrown) {
    outcome = deadline.stoppedByDeadline(callSignal) ? timeUpOutcome(setup) : failureOutcome(thrown, setup);
  } finally {
    deadline.dispose();
  }
  return finishRun(setup, outcome);
}

function timeUpOutcome(setup: RunSetup): RunOutcome {
  const error = {
    code: "no-answer",
    message: "No answer was recorded: the hosted run outlasted the time budget.",
  };
  setup.emit({ type: "error", code: error.code, message: error.message, retrying: false });
  return { stopReason: "budget-time", error };
}

/** Records each transcript step as a step of this run, announces it, and says how the run ended. */
async function recordTranscript(
  setup: RunSetup,
  output: ModelOutput,
  timing: { startedAt: Date; modelDurationMs: number },
  imageConfig: ImageConfig,
): Promise<RunOutcome> {
  const transcript = parseSkyworkTranscript(output.content, {
    maxImagesPerObservation: imagesPerObservation,
    maxImageBytes: imageConfig.maxInputBytes,
  });
  // A reply with no tags at all (a direct answer, or a planner's plan) is still one step.
  const steps: SkyworkStep[] = transcript.steps.length > 0 ? transcript.steps : [{}];
  const answer =
    transcript.answer ?? (steps.some((step) => step.action) ? undefined : withoutThinking(output.content));
  for (const [position, step] of steps.entries()) {
    const isFirst = position === 0;
    const images = await observationImages(step, position + 1, setup, imageConfig);
    const record = stepRecord({ ...step, ...(images ? { observation: images.text } : {}) }, position + 1, {
      // The one request's usage, time and separate reasoning belong to the first step.
      usage: isFirst ? output.usage : zeroUsage,
      reasoning: isFirst ? output.reasoning : undefined,
      durationMs: isFirst ? timing.modelDurationMs : 0,
      startedAt: timing.startedAt.toISOString(),
      finishReason: output.finishReason,
      answer: position === steps.length - 1 ? answer : undefined,
      images: images?.images.map((image) => image.id) ?? [],
    });
    setup.recorder.addStep(record);
    setup.budget.recordStep(record.usage);
    for (const _action of record.actions) setup.budget.recordToolCall();
    // The same events a replay of the trajectory gives, so live and replayed views agree; the
    // images go with tool-call-end, which is where the CLI writes them to the run folder.
    const known = (id: string) => {
      const ref = setup.images.byId(id);
      return ref ? [ref] : [];
    };
    for (const event of stepEvents(record, known)) setup.emit(event);
  }
  return { stopReason: transcript.answer === undefined ? "no-action" : "answer", answer };
}

/** The step's observation images, added to the run and named in its text; undefined when it has none. */
async function observationImages(
  step: SkyworkStep,
  index: number,
  setup: RunSetup,
  imageConfig: ImageConfig,
): Promise<HostedObservation | undefined> {
  if (step.observation === undefined || !step.observationImages?.length) return undefined;
  const tool =
    step.action && !step.action.error ? loupeAction(step.action).tool : step.action?.name || "unknown";
  return recordHostedImages(step.observation, step.observationImages, setup.images, imageConfig, {
    tool,
    callId: callIdOf(index),
    step: index,
  });
}

/** At most this many images are taken from one observation of a hosted transcript. */
const imagesPerObservation = 20;

function callIdOf(index: number): string {
  return `transcript_${index}`;
}

function stepRecord(
  step: SkyworkStep,
  index: number,
  facts: {
    usage: StepRecord["usage"];
    reasoning?: string;
    durationMs: number;
    startedAt: string;
    finishReason: string;
    answer?: string;
    images: string[];
  },
): StepRecord {
  const callId = callIdOf(index);
  const action = step.action && !step.action.error ? loupeAction(step.action) : undefined;
  const reasoning = [facts.reasoning, step.reasoning].filter(Boolean).join("\n");
  return {
    index,
    startedAt: facts.startedAt,
    durationMs: facts.durationMs,
    modelDurationMs: facts.durationMs,
    // The transcript's text is kept whole in the conversation; the step keeps its parts.
    output: {
      content: "",
      ...(reasoning ? { reasoning } : {}),
      toolCalls: [],
      finishReason: facts.finishReason,
    },
    actions: action && step.action ? [{ id: callId, ...action, raw: step.action.raw }] : [],
    actionErrors: step.action?.error
      ? [{ id: callId, message: step.action.error, raw: step.action.raw }]
      : [],
    observations:
      step.observation === undefined
        ? []
        : [
            {
              callId,
              tool: action?.tool ?? (step.action?.name || "unknown"),
              text: step.observation,
              images: facts.images,
              isError: false,
              durationMs: 0,
            },
          ],
    usage: facts.usage,
    ...(facts.answer === undefined ? {} : { answer: facts.answer }),
  };
}
