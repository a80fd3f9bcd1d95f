import type { RunSummary } from "../core/run-store.js";
import type { StopReason } from "../core/trajectory.js";
import type { NormalizedFilter } from "./run-summary.js";

/** The columns of `runs` a listing reads. */
export const SUMMARY_COLUMNS =
  "id, created_at, question, answer, model, dialect, stop_reason, tools_used, steps, tool_calls, prompt_tokens, completion_tokens, wall_ms";

export interface SummaryRow {
  id: string;
  created_at: string;
  question: string;
  answer: string | null;
  model: string;
  dialect: string;
  stop_reason: string;
  tools_used: string;
  steps: number;
  tool_calls: number;
  prompt_tokens: number | string;
  completion_tokens: number | string;
  wall_ms: number | string;
}

/**
 * The listing query for a filter, the same SQL for both stores but for the placeholders
 * (`?` in SQLite, `$1` in PostgreSQL): newest first, by creation time then id, so paging with
 * `before` neither skips nor repeats runs created in the same millisecond.
 */
export function listQuery(
  filter: NormalizedFilter,
  placeholder: (index: number) => string,
  textMatch: (column: string, parameter: string) => string,
): { sql: string; parameters: unknown[] } {
  const parameters: unknown[] = [];
  const next = (value: unknown) => {
    parameters.push(value);
    return placeholder(parameters.length);
  };
  const where: string[] = [];
  if (filter.model !== undefined) where.push(`model = ${next(filter.model)}`);
  if (filter.dialect !== undefined) where.push(`dialect = ${next(filter.dialect)}`);
  if (filter.stopReason !== undefined) where.push(`stop_reason = ${next(filter.stopReason)}`);
  if (filter.toolUsed !== undefined)
    where.push(
      `EXISTS (SELECT 1 FROM run_tools WHERE run_tools.run_id = runs.id AND run_tools.tool = ${next(filter.toolUsed)})`,
    );
  if (filter.text !== undefined) where.push(textMatch("search_text", next(filter.text)));
  if (filter.since !== undefined) where.push(`created_at >= ${next(filter.since)}`);
  if (filter.until !== undefined) where.push(`created_at <= ${next(filter.until)}`);
  if (filter.before !== undefined) {
    // The value is bound three times: SQLite's `?` are positional.
    const createdAtOf = () =>
      `(SELECT created_at FROM runs AS cursor WHERE cursor.id = ${next(filter.before)})`;
    where.push(
      `(created_at < ${createdAtOf()} OR (created_at = ${createdAtOf()} AND id < ${next(filter.before)}))`,
    );
  }
  const sql = `SELECT ${SUMMARY_COLUMNS} FROM runs${where.length > 0 ? ` WHERE ${where.join(" AND ")}` : ""} ORDER BY created_at DESC, id DESC LIMIT ${next(filter.limit)}`;
  return { sql, parameters };
}

export function summaryOf(row: SummaryRow): RunSummary {
  return {
    id: row.id,
    createdAt: row.created_at,
    question: row.question,
    ...(row.answer === null ? {} : { answer: row.answer }),
    model: row.model,
    dialect: row.dialect,
    stopReason: row.stop_reason as StopReason,
    toolsUsed: JSON.parse(row.tools_used) as string[],
    steps: Number(row.steps),
    toolCalls: Number(row.tool_calls),
    promptTokens: Number(row.prompt_tokens),
    completionTokens: Number(row.completion_tokens),
    wallMs: Number(row.wall_ms),
  };
}
