import type { AnyTool, RecordedToolCall } from "../core/tool.js";
import { describeStop } from "./budget-tracker.js";
import { RunDeadline } from "./run-deadline.js";
import type { RunAgentOptions, RunResult } from "./run-options.js";
import {
  failureOutcome,
  finishRun,
  prepareRun,
  type RunOutcome,
  type RunServicesOptions,
  type RunSetup,
} from "./run-setup.js";
import { continueStep, type FinalTurn, runStep, type StepServices } from "./run-step.js";
import { runTranscript } from "./run-transcript.js";
import { finishedInOrder, observationOf } from "./step-in-progress.js";
import { readVerdict, repeatedActionsAre, type StopCondition } from "./stop-conditions.js";
import { WireMessages } from "./wire-messages.js";

export type { AgentInputImage, RunAgentOptions, RunResult } from "./run-options.js";

/**
 * Runs one question to an answer: think, act, observe, repeat. It always returns a trajectory,
 * also when the model fails, a budget runs out, or the run is cancelled: whatever was done is kept,
 * and `onCheckpoint` gets the trajectory so far after every step, for a run killed from outside.
 * A model configured with `response: "transcript"` runs its tools on its own server; its one reply
 * is recorded step by step instead (see run-transcript.ts).
 */
export async function runAgent(options: RunAgentOptions): Promise<RunResult> {
  if (options.config.model.response === "transcript") return runTranscript(options);
  const setup = prepareRun(
    options,
    (context) => options.systemPrompt ?? options.dialect.systemPrompt(context),
  );
  return driveRun(setup, options);
}

/**
 * The loop of a fresh or resumed run: a step in progress (a resumed one) is finished first, then
 * steps follow until one ends the run. Before every step the stop conditions are checked; the
 * first verdict makes that step the final-answer turn. Checkpoints are saved at the start, after
 * every step and after every finished tool call.
 */
export async function driveRun(setup: RunSetup, options: RunServicesOptions): Promise<RunResult> {
  const { config, dialect, tools } = options;
  const services: StepServices = Object.assign(setup, {
    model: options.model,
    dialect,
    wire: new WireMessages(setup.images, config.images.modelView, config.model.imageTransport),
    toolState: new Map<string, unknown>(),
    view: {
      modelView: config.images.modelView,
      pythonImages: config.dialectOptions.pythonImages,
      markNearlyWhite: config.dialectOptions.dropBlankImages,
    },
    deadline: new RunDeadline({
      userSignal: setup.signal,
      budget: setup.budget,
      modelTimeoutMs: config.model.timeoutMs,
    }),
  });
  // Budgets first, in the order they were always reported, then the repeat guard and the caller's.
  const stopWhen = [
    ...setup.budget.conditions,
    deadlinePassed(services.deadline),
    repeatedActionsAre(2),
    ...setup.stopWhen,
  ];
  let outcome: RunOutcome;
  try {
    restoreTools(services, tools);
    let step = services.active ? await continueStep(services) : { done: false as const };
    while (!step.done) {
      if (services.active === undefined) await setup.checkpoints.save(setup);
      setup.signal.throwIfAborted();
      step = await runStep(services, finalTurnReason(services, stopWhen));
    }
    outcome = step;
  } catch (thrown) {
    outcome = failureOutcome(thrown, setup);
  } finally {
    services.deadline.dispose();
    await disposeTools(tools, services.toolState);
  }
  return finishRun(setup, outcome);
}

/** The first stop condition that holds, if any: the next step is then the final-answer turn. */
function finalTurnReason(services: StepServices, stopWhen: readonly StopCondition[]): FinalTurn | undefined {
  const progress = services.budget.progress({
    model: services.modelName,
    repeatRefusals: services.guard.refusals,
    lastStep: services.recorder.steps.at(-1),
  });
  for (const condition of stopWhen) {
    const verdict = condition(progress);
    if (verdict) return readVerdict(verdict, describeStop);
  }
  return undefined;
}

/** The time budget as the deadline's timer sees it: it may fire a millisecond before the clock says so. */
function deadlinePassed(deadline: RunDeadline): StopCondition {
  return () => (deadline.expired ? "budget-time" : undefined);
}

/**
 * Hands each stateful tool its calls that finished before a resumed run stopped, so it can
 * rebuild its state (the Python tool re-runs its cells before its next call).
 */
function restoreTools(services: StepServices, tools: readonly AnyTool[]): void {
  const observations = [
    ...services.recorder.steps.flatMap((step) => step.observations),
    ...(services.active ? finishedInOrder(services.active).map(observationOf) : []),
  ];
  if (observations.length === 0) return;
  const actions = [
    ...services.recorder.steps.flatMap((step) => step.actions),
    ...(services.active?.calls.map((call) => ({ id: call.id, arguments: call.arguments })) ?? []),
  ];
  const argumentsOf = new Map(actions.map((action) => [action.id, action.arguments]));
  for (const tool of tools) {
    const calls: RecordedToolCall[] = observations
      .filter((observation) => observation.tool === tool.name)
      .map((observation) => ({
        arguments: argumentsOf.get(observation.callId),
        text: observation.text,
        data: observation.data,
        isError: observation.isError,
      }));
    if (tool.restore && calls.length > 0) tool.restore(calls, services.toolState);
  }
}

async function disposeTools(tools: readonly AnyTool[], state: Map<string, unknown>): Promise<void> {
  await Promise.allSettled(tools.map(async (tool) => tool.dispose?.(state)));
}
