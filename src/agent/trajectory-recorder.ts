import type { LoupeConfig } from "../core/config.js";
import type { ImageSet } from "../core/image-set.js";
import type { Message } from "../core/messages.js";
import { type StepRecord, type StopReason, TRAJECTORY_VERSION, type Trajectory } from "../core/trajectory.js";
import type { BudgetTracker } from "./budget-tracker.js";

/** Collects a run as it happens and produces its trajectory at any moment (also mid-run). */
export class TrajectoryRecorder {
  readonly steps: StepRecord[] = [];
  readonly #base: Pick<Trajectory, "id" | "createdAt" | "question" | "inputs" | "config">;

  constructor(options: {
    id: string;
    question: string;
    inputImageIds: string[];
    config: LoupeConfig;
    tools: string[];
  }) {
    const { model } = options.config;
    const sampling: Record<string, unknown> = { temperature: model.temperature, topP: model.topP };
    if (model.maxTokens !== undefined) sampling.maxTokens = model.maxTokens;
    if (Object.keys(model.extraBody).length > 0) sampling.extraBody = model.extraBody;
    this.#base = {
      id: options.id,
      createdAt: new Date().toISOString(),
      question: options.question,
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
    answer?: string;
    error?: { code: string; message: string };
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
    if (options.answer !== undefined) trajectory.answer = options.answer;
    if (options.error) trajectory.error = options.error;
    return trajectory;
  }
}
