import type { BudgetTracker } from "../../agent/budget-tracker.js";
import { approvalRequest, type NeedsApproval } from "../../agent/tool-approval.js";
import { executeToolCall } from "../../agent/tool-executor.js";
import type { RunEventListener } from "../../core/events.js";
import type { Message } from "../../core/messages.js";
import { addUsage, type TokenUsage, zeroUsage } from "../../core/model-output.js";
import type { AnyTool, RunImageView } from "../../core/tool.js";
import type { StepRecord } from "../../core/trajectory.js";
import { clip, type ModeModel, modelText } from "../model-text.js";
import { fillPlaceholders } from "./placeholders.js";
import { toolArguments } from "./plan-arguments.js";
import { noTool, type PlanStep } from "./plan-format.js";
import { type Resolution, resolvePlaceholders } from "./resolve-placeholders.js";
import { type StepResult, toolResultStatus } from "./step-result.js";

/** What every step of a plan shares: the executor model, the run's tools, budget and events. */
export interface StepServices {
  executor: ModeModel;
  tools: readonly AnyTool[];
  question: string;
  view: RunImageView;
  toolState: Map<string, unknown>;
  budget: BudgetTracker;
  emit: RunEventListener;
  /** The user's cancellation and the run's time budget. */
  signal: AbortSignal;
  userSignal: AbortSignal;
  /** Characters of an earlier result a reasoning step reads. */
  resultChars: number;
  /** The config's approval rules and the caller's: a plan cannot wait for the user, so such a call fails. */
  needsApproval?: NeedsApproval;
  /** The steps recorded so far (approval rules read earlier visits). */
  earlierSteps(): readonly StepRecord[];
}

export interface ExecutedStep {
  result: StepResult;
  record: Omit<StepRecord, "index">;
  resolutions: Resolution[];
  startedAt: string;
  durationMs: number;
}

/**
 * Runs one step whose dependencies are done: its placeholders are filled, then its tool runs
 * with the step's parameters as the tool's arguments (checked by the tool's schema, as every
 * call is), or, for a "none" step, the executor model reasons over the results it depends on.
 * A placeholder that cannot be filled fails the step. Never throws for the step's own failures.
 */
export async function executeStep(
  step: PlanStep,
  results: ReadonlyMap<number, StepResult>,
  services: StepServices,
  trajectoryStep: number,
): Promise<ExecutedStep> {
  const startedAt = new Date();
  const clock = performance.now();
  services.emit({ type: "step-start", step: trajectoryStep });
  let usage: TokenUsage = zeroUsage;
  let modelDurationMs = 0;
  const finish = (
    result: StepResult,
    record: Pick<StepRecord, "output" | "actions" | "observations">,
    resolutions: Resolution[] = [],
  ): ExecutedStep => {
    const durationMs = performance.now() - clock;
    return {
      result,
      resolutions,
      startedAt: startedAt.toISOString(),
      durationMs,
      record: {
        ...record,
        startedAt: startedAt.toISOString(),
        durationMs,
        modelDurationMs,
        actionErrors: [],
        usage,
      },
    };
  };
  const heading = `Step ${step.number} (${step.tool}): ${step.description}`;

  if (step.tool === noTool) {
    const reply = await modelText(
      services.executor,
      reasoningMessages(step, results, services),
      services.signal,
    );
    usage = reply.usage;
    modelDurationMs = reply.durationMs;
    const status = reply.text === "" ? "empty" : "done";
    return finish(
      {
        number: step.number,
        status,
        text: reply.text,
        imageIds: [],
        ...(status === "empty" ? { note: "the model wrote nothing" } : {}),
      },
      {
        output: {
          content: reply.text,
          ...(reply.reasoning ? { reasoning: reply.reasoning } : {}),
          toolCalls: [],
          finishReason: "stop",
        },
        actions: [],
        observations: [],
      },
    );
  }

  const resolving = performance.now();
  const {
    resolutions,
    unresolved,
    usage: resolveUsage,
  } = await resolvePlaceholders(step, results, services.executor, services.signal);
  usage = addUsage(usage, resolveUsage);
  if (resolutions.some((resolution) => resolution.by === "model"))
    modelDurationMs = performance.now() - resolving;
  const output = { content: heading, toolCalls: [], finishReason: "stop" };
  if (unresolved.length > 0) {
    const note = `cannot fill ${unresolved.join(", ")} from the results of the steps named`;
    return finish(
      { number: step.number, status: "failed", text: `Not run: ${note}.`, imageIds: [], note },
      { output, actions: [], observations: [] },
      resolutions,
    );
  }
  const tool = services.tools.find((candidate) => candidate.name === step.tool);
  const filled = fillPlaceholders(
    step.parameters,
    new Map(resolutions.map((entry) => [entry.placeholder, entry.value])),
  );
  const labels = services.executor.images.list().map((image) => image.label);
  const args = tool ? toolArguments(tool, filled as Record<string, unknown>, labels) : filled;
  const call = {
    id: `plan_step_${step.number}`,
    name: step.tool,
    arguments: args,
    raw: JSON.stringify(planStepJson(step)),
  };
  if (services.needsApproval?.(approvalRequest(call), services.earlierSteps())) {
    const note = `${step.tool} needs the user's approval, and a plan runs no call that waits for it`;
    return finish(
      { number: step.number, status: "failed", text: `Not run: ${note}.`, imageIds: [], note },
      {
        output,
        actions: [{ id: call.id, tool: call.name, arguments: call.arguments, raw: call.raw }],
        observations: [],
      },
      resolutions,
    );
  }
  services.budget.recordToolCall(step.tool);
  const executed = await executeToolCall(call, trajectoryStep, {
    tools: services.tools,
    images: services.executor.images,
    question: services.question,
    view: services.view,
    state: services.toolState,
    reportUsage: (more) => {
      usage = addUsage(usage, more);
    },
    signal: services.signal,
    userSignal: services.userSignal,
    emit: services.emit,
  });
  const { status, note } = toolResultStatus(executed.result);
  const imageIds = executed.result.images.map((image) => image.id);
  return finish(
    {
      number: step.number,
      status,
      text: executed.result.text,
      ...(executed.result.data ? { data: executed.result.data } : {}),
      imageIds,
      ...(note ? { note } : {}),
    },
    {
      output,
      actions: [{ id: call.id, tool: call.name, arguments: call.arguments, raw: call.raw }],
      observations: [
        {
          callId: call.id,
          tool: call.name,
          text: executed.result.text,
          images: imageIds,
          ...(executed.result.data ? { data: executed.result.data } : {}),
          isError: executed.result.isError === true,
          durationMs: executed.durationMs,
        },
      ],
    },
    resolutions,
  );
}

/** A step as the planner wrote it (for the trajectory's `raw`). */
export function planStepJson(step: PlanStep): Record<string, unknown> {
  return { description: step.description, tool_name: step.tool, parameters: step.parameters };
}

function reasoningMessages(
  step: PlanStep,
  results: ReadonlyMap<number, StepResult>,
  services: StepServices,
): Message[] {
  const earlier = step.dependsOn.length > 0 ? step.dependsOn : [...results.keys()];
  return [
    {
      role: "system",
      content:
        "You carry out one reasoning step of a plan from the results of earlier steps. Be brief and concrete.",
    },
    {
      role: "user",
      content: [
        {
          type: "text",
          text: `Question: ${services.question}\n\n${resultsText(earlier, results, services.resultChars)}\n\nThis step: ${step.description}`,
        },
      ],
    },
  ];
}

/** The results of the given steps, each under its number, for a model to read. */
export function resultsText(
  numbers: readonly number[],
  results: ReadonlyMap<number, StepResult>,
  maxChars: number,
): string {
  return numbers
    .map((number) => results.get(number))
    .filter((result): result is StepResult => result !== undefined)
    .map(
      (result) =>
        `Result of Step ${result.number}${result.status === "done" ? "" : ` (${result.status}: ${result.note ?? ""})`}:\n${clip(result.text, maxChars)}`,
    )
    .join("\n\n");
}
