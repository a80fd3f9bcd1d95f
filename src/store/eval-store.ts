/**
 * Where evaluations are kept: one row per evaluation (its benchmark, settings and the items it
 * chose, in order) and one row per (evaluation, variant, item) result, written when the item
 * starts (status `running`, with the run id its trajectory is stored under) and again when it
 * finishes. A result is committed on its own, so a crash or a kill loses only the items in
 * flight, and a resumed evaluation finds each of those under the same run id (redone once, never
 * twice). The tables live in the run store's database (migration 3), beside the runs they link to.
 */
export interface EvaluationRecord {
  id: string;
  name?: string;
  benchmark: string;
  createdAt: string;
  /** What the evaluation was run with (data path, model, dialect, variants, flags), as JSON. */
  settings: Record<string, unknown>;
  /** The ids of the items it chose, in the order they are run. */
  items: string[];
}

export type ResultStatus = "running" | "done" | "error";

export interface EvalResult {
  evalId: string;
  /** `default`, or `direct` / `tools` in an ablation. */
  variant: string;
  itemId: string;
  /** The item's place in `EvaluationRecord.items`. */
  position: number;
  status: ResultStatus;
  /** The run behind the result, in the run store. */
  runId?: string;
  /** Times the item was started (retries and resumes included). */
  attempts: number;
  category?: string;
  subcategory?: string;
  /** The item's scalar `meta` fields (level, area, ...), which summaries group by. */
  meta?: Record<string, string | number | boolean>;
  response?: string;
  correct?: boolean;
  score?: number;
  /** The scorer's whole verdict (extracted answer, why, judge calls), as JSON. */
  scored?: Record<string, unknown>;
  error?: string;
  startedAt: string;
  finishedAt?: string;
  wallMs?: number;
  promptTokens?: number;
  completionTokens?: number;
  costUsd?: number;
  /** The tool of each call the run made, in order. */
  toolCalls?: string[];
}

export interface EvalStore {
  /** Records a new evaluation; an existing id is an error. */
  createEvaluation(record: EvaluationRecord): Promise<void>;
  getEvaluation(id: string): Promise<EvaluationRecord | undefined>;
  /** Newest first, without their item lists. */
  listEvaluations(): Promise<Omit<EvaluationRecord, "items">[]>;
  /** Writes a result (replacing the item's earlier row), committed before it resolves. */
  saveResult(result: EvalResult): Promise<void>;
  /** The evaluation's results in item order (one variant, or all). */
  results(evalId: string, variant?: string): Promise<EvalResult[]>;
  close(): Promise<void>;
}

/** The columns of eval_results, in the order the stores write them. */
export const resultColumns = [
  "eval_id",
  "variant",
  "item_id",
  "position",
  "status",
  "run_id",
  "attempts",
  "category",
  "subcategory",
  "meta",
  "response",
  "correct",
  "score",
  "scored",
  "error",
  "started_at",
  "finished_at",
  "wall_ms",
  "prompt_tokens",
  "completion_tokens",
  "cost_usd",
  "tool_calls",
] as const;

type Row = Record<(typeof resultColumns)[number], unknown>;

/** A result as a row's values, in `resultColumns` order; `bool` maps booleans for the database. */
export function resultValues(result: EvalResult, bool: (value: boolean) => unknown): unknown[] {
  const row: Row = {
    eval_id: result.evalId,
    variant: result.variant,
    item_id: result.itemId,
    position: result.position,
    status: result.status,
    run_id: result.runId ?? null,
    attempts: result.attempts,
    category: result.category ?? null,
    subcategory: result.subcategory ?? null,
    meta: result.meta === undefined ? null : JSON.stringify(result.meta),
    response: result.response ?? null,
    correct: result.correct === undefined ? null : bool(result.correct),
    score: result.score ?? null,
    scored: result.scored === undefined ? null : JSON.stringify(result.scored),
    error: result.error ?? null,
    started_at: result.startedAt,
    finished_at: result.finishedAt ?? null,
    wall_ms: result.wallMs ?? null,
    prompt_tokens: result.promptTokens ?? null,
    completion_tokens: result.completionTokens ?? null,
    cost_usd: result.costUsd ?? null,
    tool_calls: result.toolCalls === undefined ? null : JSON.stringify(result.toolCalls),
  };
  return resultColumns.map((column) => row[column]);
}

/** A row back as a result (numbers from PostgreSQL's BIGINT come as strings). */
export function resultOf(row: Row): EvalResult {
  const text = (value: unknown) => (value === null || value === undefined ? undefined : String(value));
  const number = (value: unknown) => (value === null || value === undefined ? undefined : Number(value));
  const json = (value: unknown) =>
    value === null || value === undefined ? undefined : JSON.parse(String(value));
  const result: EvalResult = {
    evalId: String(row.eval_id),
    variant: String(row.variant),
    itemId: String(row.item_id),
    position: Number(row.position),
    status: String(row.status) as ResultStatus,
    attempts: Number(row.attempts),
    startedAt: String(row.started_at),
  };
  const optional: Partial<EvalResult> = {
    runId: text(row.run_id),
    category: text(row.category),
    subcategory: text(row.subcategory),
    meta: json(row.meta),
    response: text(row.response),
    correct: row.correct === null || row.correct === undefined ? undefined : Boolean(row.correct),
    score: number(row.score),
    scored: json(row.scored),
    error: text(row.error),
    finishedAt: text(row.finished_at),
    wallMs: number(row.wall_ms),
    promptTokens: number(row.prompt_tokens),
    completionTokens: number(row.completion_tokens),
    costUsd: number(row.cost_usd),
    toolCalls: json(row.tool_calls),
  };
  for (const [key, value] of Object.entries(optional))
    if (value !== undefined) (result as unknown as Record<string, unknown>)[key] = value;
  return result;
}

export interface EvaluationRow {
  id: string;
  name: string | null;
  benchmark: string;
  created_at: string;
  settings: string;
  items?: string;
}

export function evaluationOf(row: EvaluationRow): EvaluationRecord {
  return {
    id: row.id,
    ...(row.name === null ? {} : { name: row.name }),
    benchmark: row.benchmark,
    createdAt: row.created_at,
    settings: JSON.parse(row.settings),
    items: row.items === undefined ? [] : JSON.parse(row.items),
  };
}
