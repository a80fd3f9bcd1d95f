import type { LoupeConfig } from "../core/config.js";
import type { ImageSet } from "../core/image-set.js";
import type { Message } from "../core/messages.js";
import {
  type ResumeState,
  type StepRecord,
  type StopReason,
  TRAJECTORY_VERSION,
  type Trajectory,
} from "../core/trajectory.js";
import type { BudgetTracker } from "./budget-tracker.js";

type TrajectoryBase = Pick<Trajectory, "id" | "createdAt" | "question" | "choices" | "inputs" | "config">;

/** Collects a run as it happens and produces its trajectory at any moment (also mid-run). */
export class TrajectoryRecorder {
  readonly steps: StepRecord[] = [];
  readonly #base: TrajectoryBase;

  constructor(
    options:
      | {
          id: string;
          question: string;
          choices?: readonly string[];
          inputImageIds: string[];
          config: LoupeConfig;
          tools: string[];
        }
      | { resumed: Trajectory; steps: readonly StepRecord[]; config: LoupeConfig },
  ) {
    if ("resumed" in options) {
      // A resumed run is the same run: same id, question and start; the budgets are the ones it
      // now runs under (a resume may raise them).
      const { id, createdAt, question, choices, inputs, config } = options.resumed;
      this.#base = {
        id,
        createdAt,
        question,
        ...(choices ? { choices } : {}),
        inputs,
        config: { ...config, budgets: { ...options.config.budgets } },
      };
      this.steps.push(...options.steps);
      return;
    }
    const { model } = options.config;
    const sampling: Record<string, unknown> = { temperature: model.temperature, topP: model.topP };
    if (model.maxTokens !== undefined) sampling.maxTokens = model.maxTokens;
    if (Object.keys(model.extraBody).length > 0) sampling.extraBody = model.extraBody;
    this.#base = {
      id: options.id,
      createdAt: new Date().toISOString(),
      question: options.question,
      ...(options.choices ? { choices: [...options.choices] } : {}),
      inputs: { images: options.inputImageIds },
      config: {
        model: model.name,
        baseUrl: model.baseUrl,
        dialect: options.config.dialect,
        tools: options.tools,
        sampling,
        budgets: { ...options.config.budgets },
      },
    };
  }

  get id(): string {
    return this.#base.id;
  }

  addStep(step: StepRecord): void {
    this.steps.push(step);
  }

  build(options: {
    images: ImageSet;
    messages: readonly Message[];
    budget: BudgetTracker;
    stopReason: StopReason;
    stopDescription?: string;
    answer?: string;
    error?: { code: string; message: string };
    resume?: ResumeState;
    followUps?: readonly { afterStep: number; question: string }[];
  }): Trajectory {
    const trajectory: Trajectory = {
      version: TRAJECTORY_VERSION,
      ...this.#base,
      images: options.images.list().map((ref) => ({ ...ref })),
      messages: [...options.messages],
      steps: [...this.steps],
      stopReason: options.stopReason,
      budgetsUsed: {
        steps: options.budget.steps,
        toolCalls: options.budget.toolCalls,
        usage: { ...options.budget.usage },
        wallMs: Math.round(options.budget.elapsedMs()),
      },
    };
    if (options.stopDescription !== undefined) trajectory.stopDescription = options.stopDescription;
    if (options.followUps && options.followUps.length > 0) trajectory.followUps = [...options.followUps];
    if (options.answer !== undefined) trajectory.answer = options.answer;
    if (options.error) trajectory.error = options.error;
    if (options.resume) trajectory.resume = options.resume;
    return trajectory;
  }
}
