import type { StepRecord } from "../data/run-data.js";

export interface StepTiming {
  index: number;
  modelMs: number;
  toolMs: number;
  tokens: number;
  /** Share of the longest step's duration, 0 to 1, for the timeline's bars. */
  modelShare: number;
  toolShare: number;
}

/**
 * Each step's model time, tool time (its calls' durations summed: they may overlap) and tokens,
 * with bar lengths relative to the slowest step.
 */
export function stepTimings(steps: readonly StepRecord[]): StepTiming[] {
  const rows = steps.map((step) => ({
    index: step.index,
    modelMs: step.modelDurationMs,
    toolMs: step.observations.reduce((sum, observation) => sum + observation.durationMs, 0),
    tokens: step.usage.promptTokens + step.usage.completionTokens,
  }));
  const longest = Math.max(1, ...rows.map((row) => row.modelMs + row.toolMs));
  return rows.map((row) => ({ ...row, modelShare: row.modelMs / longest, toolShare: row.toolMs / longest }));
}

export function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}
