import { describeStop } from "../../agent/budget-tracker.js";
import type { ChatModel } from "../../agent/chat-model.js";
import type { RunAgentOptions, RunResult } from "../../agent/run-options.js";
import { configuredApproval, eitherApproval } from "../../agent/tool-approval.js";
import { WireMessages } from "../../agent/wire-messages.js";
import type { Message } from "../../core/messages.js";
import type { PlanRecord } from "../../core/mode-records.js";
import type { StopReason } from "../../core/trajectory.js";
import { type ModeOutcome, ModeRun } from "../mode-run.js";
import { type ModeModel, modelText } from "../model-text.js";
import { askPlanner, type PlannerResult } from "./ask-planner.js";
import { executeStep, planStepJson, type StepServices } from "./execute-step.js";
import type { PlanStep } from "./plan-format.js";
import { finalMessages, questionText, revisionRequest, userTurn } from "./plan-messages.js";
import { plannerModel, plannerPromptTemplate } from "./planner-model.js";
import { plannerSystemPrompt } from "./planner-prompt.js";
import { scheduleSteps } from "./schedule-steps.js";
import type { StepResult } from "./step-result.js";

export interface RunPlanOptions extends RunAgentOptions {
  /** Only ask for the plan (`loupe plan` without --execute): nothing runs, the trajectory holds the plan. */
  planOnly?: boolean;
  /** Replaces the planner (plan.planner otherwise): tests and callers with their own client. */
  planner?: ChatModel;
}

/** Characters of one step's result the final answer and reasoning steps read. */
const resultChars = 4_000;

/**
 * Plan mode: the planner writes the plan (R1V4's format, or structured output), it is checked
 * and sent back to be fixed when it fails; the executor runs the steps in dependency order,
 * independent ones at once, filling placeholders from earlier results; a failed or empty step
 * makes the planner revise the steps still to run (plan.maxReplans times at most); the run's
 * budgets hold across the whole plan; the last step ("none") is the executor model's answer from
 * the step results. Like runAgent it always returns a trajectory.
 */
export async function runPlan(options: RunPlanOptions): Promise<RunResult> {
  const { config, question } = options;
  const run = new ModeRun(options, "plan");
  const { emit, images, inputs, recorder, budget, userSignal, signal } = run;
  const planner = options.planner
    ? { model: options.planner, settings: config.model }
    : plannerModel(config, options.model);
  const plan: PlanRecord = {
    planner: { model: planner.model.model, baseUrl: planner.settings.baseUrl, format: config.plan.format },
    revisions: [],
    executed: [],
  };
  const executor: ModeModel = { model: options.model, images, config };
  const services: StepServices = {
    executor,
    tools: options.tools,
    question,
    view: {
      modelView: config.images.modelView,
      pythonImages: config.dialectOptions.pythonImages,
      markNearlyWhite: config.dialectOptions.dropBlankImages,
    },
    toolState: new Map(),
    budget,
    emit,
    signal,
    userSignal,
    resultChars,
    needsApproval: eitherApproval(configuredApproval(config.approval), options.needsApproval),
    earlierSteps: () => recorder.steps.filter(Boolean),
  };
  let messages: Message[] = [];
  let outcome: ModeOutcome;
  try {
    const template = await plannerPromptTemplate(config);
    const plannerMessages: Message[] = [
      {
        role: "system",
        content: plannerSystemPrompt(options.tools, { format: config.plan.format, template }),
      },
      userTurn(inputs, questionText(question, options.choices)),
    ];
    const render = async (list: readonly Message[]) =>
      new WireMessages(images, config.images.modelView, planner.settings.imageTransport).render(list);
    const labels = inputs.map((ref) => ref.label);
    const first = await askPlanner({
      model: planner.model,
      render,
      messages: plannerMessages,
      rules: {
        tools: options.tools,
        firstNumber: 1,
        doneSteps: new Set(),
        maxSteps: config.plan.maxSteps,
        imageLabels: labels,
      },
      maxFixes: config.plan.maxFixes,
      signal,
    });
    budget.recordUsage(first.usage);
    plan.revisions.push(revisionRecord(first));
    if (options.planOnly) {
      outcome = { stopReason: "answer", stopDescription: "plan only: nothing was run" };
    } else {
      let steps = first.steps;
      const results = new Map<number, StepResult>();
      let replans = 0;
      let stop: StopReason | undefined;
      for (;;) {
        const toRun = steps.slice(0, -1);
        const scheduled = await scheduleSteps(toRun, {
          concurrency: config.plan.concurrency,
          results,
          budgetStop: () => budget.exhausted(),
          run: async (step) => {
            // Steps are numbered from 1, as the loop numbers them. The record's place is reserved
            // now, so parallel steps number their events apart.
            const slot = recorder.steps.length;
            const index = slot + 1;
            recorder.steps.push(undefined as never);
            const executed = await executeStep(step, results, services, index);
            recorder.steps[slot] = { index, ...executed.record };
            budget.recordStep(executed.record.usage);
            plan.executed.push({
              number: step.number,
              revision: plan.revisions.length - 1,
              status: executed.result.status,
              trajectoryStep: index,
              startedAt: executed.startedAt,
              durationMs: Math.round(executed.durationMs),
              resolved: executed.resolutions,
              ...(executed.result.note ? { note: executed.result.note } : {}),
            });
            return executed.result;
          },
        });
        stop = scheduled.stop;
        if (stop || !scheduled.trouble || replans >= config.plan.maxReplans) break;
        replans += 1;
        const nextNumber = Math.max(...steps.map((step) => step.number), ...results.keys()) + 1;
        const done = new Set(
          [...results.values()].filter((result) => result.status === "done").map((result) => result.number),
        );
        const reason = `Step ${scheduled.trouble.number} ${scheduled.trouble.status === "empty" ? "came back empty" : "failed"}: ${scheduled.trouble.note ?? ""}`;
        const revised = await askPlanner({
          model: planner.model,
          render,
          messages: [
            ...plannerMessages,
            { role: "assistant", content: JSON.stringify(steps.map(planStepJson)) },
            userTurn([], revisionRequest(reason, results, nextNumber)),
          ],
          rules: {
            tools: options.tools,
            firstNumber: nextNumber,
            doneSteps: done,
            maxSteps: config.plan.maxSteps,
            imageLabels: labels,
          },
          maxFixes: config.plan.maxFixes,
          signal,
        });
        budget.recordUsage(revised.usage);
        plan.revisions.push({ ...revisionRecord(revised), reason });
        steps = revised.steps;
      }
      stop ??= budget.exhausted();
      const final = steps.at(-1) as PlanStep;
      messages = finalMessages(inputs, question, options.choices, final, results, resultChars);
      const index = recorder.steps.length + 1;
      emit({ type: "step-start", step: index });
      const startedAt = new Date().toISOString();
      const reply = await modelText(executor, messages, signal);
      budget.recordStep(reply.usage);
      messages.push({
        role: "assistant",
        content: reply.text,
        ...(reply.reasoning ? { reasoning: reply.reasoning } : {}),
      });
      recorder.addStep({
        index,
        startedAt,
        durationMs: reply.durationMs,
        modelDurationMs: reply.durationMs,
        output: {
          content: reply.text,
          ...(reply.reasoning ? { reasoning: reply.reasoning } : {}),
          toolCalls: [],
          finishReason: "stop",
        },
        actions: [],
        actionErrors: [],
        observations: [],
        usage: reply.usage,
        ...(reply.text ? { answer: reply.text } : {}),
      });
      outcome = {
        stopReason: stop ?? "answer",
        ...(reply.text ? { answer: reply.text } : {}),
        ...(stop ? { stopDescription: describeStop(stop) } : {}),
      };
    }
  } catch (thrown) {
    outcome = run.failed(thrown);
  } finally {
    await Promise.allSettled(options.tools.map(async (tool) => tool.dispose?.(services.toolState)));
  }
  // A step cut off by a failure elsewhere leaves its reserved place empty: the rest close ranks.
  const kept = recorder.steps.filter(Boolean);
  const renumbered = new Map(kept.map((step, position) => [step.index, position + 1]));
  recorder.steps.splice(
    0,
    recorder.steps.length,
    ...kept.map((step, position) => ({ ...step, index: position + 1 })),
  );
  for (const entry of plan.executed)
    entry.trajectoryStep = renumbered.get(entry.trajectoryStep) ?? entry.trajectoryStep;
  const trajectory = run.finish(messages, outcome, budget.steps);
  return { trajectory: { ...trajectory, mode: "plan", plan }, images };
}

function revisionRecord(result: PlannerResult): PlanRecord["revisions"][number] {
  return {
    steps: result.steps.map((step) => ({
      ...step,
      parameters: { ...step.parameters },
      dependsOn: [...step.dependsOn],
    })),
    ...(result.reasoning ? { reasoning: result.reasoning } : {}),
    attempts: result.attempts,
  };
}
