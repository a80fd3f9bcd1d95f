import { LoupeError } from "../core/errors.js";
import type { RunFilter, RunSummary } from "../core/run-store.js";
import type { Trajectory } from "../core/trajectory.js";

/** Listing pages are at most this long, whatever the caller asks: a listing is not an export. */
export const LIST_LIMIT_MAX = 1000;
export const LIST_LIMIT_DEFAULT = 50;

/** The listing line of a run, as both stores keep it in their `runs` table. */
export function summarizeRun(trajectory: Trajectory): RunSummary {
  const { budgetsUsed } = trajectory;
  return {
    id: trajectory.id,
    createdAt: trajectory.createdAt,
    question: trajectory.question,
    ...(trajectory.answer === undefined ? {} : { answer: trajectory.answer }),
    model: trajectory.config.model,
    dialect: trajectory.config.dialect,
    stopReason: trajectory.stopReason,
    toolsUsed: toolsUsedBy(trajectory),
    steps: trajectory.steps.length,
    toolCalls: budgetsUsed.toolCalls,
    promptTokens: budgetsUsed.usage.promptTokens,
    completionTokens: budgetsUsed.usage.completionTokens,
    wallMs: budgetsUsed.wallMs,
  };
}

/** Tools the model called (parsed actions, refused or not), each once, sorted. */
export function toolsUsedBy(trajectory: Trajectory): string[] {
  const tools = new Set<string>();
  for (const step of trajectory.steps) for (const action of step.actions) tools.add(action.tool);
  for (const action of trajectory.resume?.stepInProgress?.actions ?? []) tools.add(action.tool);
  return [...tools].sort();
}

/**
 * What the `text` filter looks in: question and answer, lower-cased here (SQLite's lower() knows
 * only ASCII), so both stores match with a plain substring test.
 */
export function searchTextOf(trajectory: Trajectory): string {
  return `${trajectory.question}\n${trajectory.answer ?? ""}`.toLowerCase();
}

/** A filter with its dates made ISO timestamps and its limit capped; what the stores' queries take. */
export interface NormalizedFilter extends Omit<RunFilter, "limit" | "text"> {
  limit: number;
  text?: string;
}

export function normalizeFilter(filter: RunFilter = {}): NormalizedFilter {
  const limit = filter.limit ?? LIST_LIMIT_DEFAULT;
  if (!Number.isInteger(limit) || limit < 1)
    throw new LoupeError("config", `The listing limit must be a whole number of at least 1, not ${limit}.`);
  const normalized: NormalizedFilter = { ...filter, limit: Math.min(limit, LIST_LIMIT_MAX) };
  if (filter.text !== undefined) normalized.text = filter.text.toLowerCase();
  if (filter.since !== undefined) normalized.since = timestampOf(filter.since, "since", "start");
  if (filter.until !== undefined) normalized.until = timestampOf(filter.until, "until", "end");
  return normalized;
}

const dateOnly = /^\d{4}-\d{2}-\d{2}$/;

/** An ISO timestamp from a date or timestamp; a bare date means its first or last millisecond (UTC). */
function timestampOf(value: string, field: string, edge: "start" | "end"): string {
  const text = dateOnly.test(value)
    ? `${value}T${edge === "start" ? "00:00:00.000" : "23:59:59.999"}Z`
    : value;
  const time = Date.parse(text);
  if (Number.isNaN(time))
    throw new LoupeError(
      "config",
      `${field}: "${value}" is not a date or timestamp (use 2026-12-01 or 2026-12-01T10:00:00Z).`,
    );
  return new Date(time).toISOString();
}
