import type { AnyTool } from "../core/tool.js";
import type { StopReason } from "../core/trajectory.js";
import { RepeatGuard } from "./repeat-guard.js";
import { RunDeadline } from "./run-deadline.js";
import type { RunAgentOptions, RunResult } from "./run-options.js";
import { checkpointTrajectory, failureOutcome, finishRun, prepareRun, type RunOutcome } from "./run-setup.js";
import { runStep, type StepServices } from "./run-step.js";
import { runTranscript } from "./run-transcript.js";
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
  const { config, dialect, tools } = options;
  const setup = prepareRun(options, (context) => options.systemPrompt ?? dialect.systemPrompt(context));
  const services: StepServices = {
    ...setup,
    model: options.model,
    dialect,
    wire: new WireMessages(setup.images, config.images.modelView, config.model.imageTransport),
    guard: new RepeatGuard(config.budgets.maxRepeats),
    toolState: new Map(),
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
  };
  let outcome: RunOutcome;
  const checkpoint = async () => options.onCheckpoint?.(checkpointTrajectory(setup));
  try {
    await checkpoint();
    for (;;) {
      setup.signal.throwIfAborted();
      const step = await runStep(services, exhaustedBudget(services));
      if (step.done) {
        outcome = { stopReason: step.stopReason, answer: step.answer, error: step.error };
        break;
      }
      await checkpoint();
    }
  } catch (thrown) {
    outcome = failureOutcome(thrown, setup);
  } finally {
    await disposeTools(tools, services.toolState);
  }
  return finishRun(setup, outcome);
}

/** The budget that has run out, if any: the next step is then the final-answer turn. */
function exhaustedBudget(services: StepServices): StopReason | undefined {
  return (
    services.budget.exhausted() ??
    (services.deadline.expired ? "budget-time" : undefined) ??
    (services.guard.refusals >= 2 ? "repeated-action" : undefined)
  );
}

async function disposeTools(tools: readonly AnyTool[], state: Map<string, unknown>): Promise<void> {
  await Promise.allSettled(tools.map(async (tool) => tool.dispose?.(state)));
}
