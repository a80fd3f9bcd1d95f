import pg from "pg";
import { describeError, LoupeError } from "../core/errors.js";
import {
  type EvalResult,
  type EvalStore,
  type EvaluationRecord,
  type EvaluationRow,
  evaluationOf,
  resultColumns,
  resultOf,
  resultValues,
} from "./eval-store.js";
import { redactUrl } from "./open-run-store.js";

/**
 * The evaluation tables in PostgreSQL, through a pool of their own (the run store, opened first,
 * has migrated the database). Each statement commits on its own.
 */
export class PostgresEvalStore implements EvalStore {
  readonly #pool: pg.Pool;
  readonly where: string;

  constructor(url: string, options: { maxConnections?: number } = {}) {
    this.#pool = new pg.Pool({ connectionString: url, max: options.maxConnections ?? 4 });
    this.#pool.on("error", () => {});
    this.where = redactUrl(url);
  }

  async createEvaluation(record: EvaluationRecord): Promise<void> {
    await this.#query(
      "write to",
      "INSERT INTO evaluations (id, name, benchmark, created_at, settings, items) VALUES ($1, $2, $3, $4, $5, $6)",
      [
        record.id,
        record.name ?? null,
        record.benchmark,
        record.createdAt,
        JSON.stringify(record.settings),
        JSON.stringify(record.items),
      ],
    );
  }

  async getEvaluation(id: string): Promise<EvaluationRecord | undefined> {
    const rows = await this.#query<EvaluationRow>("read", "SELECT * FROM evaluations WHERE id = $1", [id]);
    return rows[0] ? evaluationOf(rows[0]) : undefined;
  }

  async listEvaluations(): Promise<Omit<EvaluationRecord, "items">[]> {
    const rows = await this.#query<EvaluationRow>(
      "read",
      "SELECT id, name, benchmark, created_at, settings FROM evaluations ORDER BY created_at DESC, id DESC",
      [],
    );
    return rows.map((row) => {
      const { items: _items, ...rest } = evaluationOf(row);
      return rest;
    });
  }

  async saveResult(result: EvalResult): Promise<void> {
    const placeholders = resultColumns.map((_, index) => `$${index + 1}`).join(", ");
    const updates = resultColumns
      .filter((column) => !["eval_id", "variant", "item_id"].includes(column))
      .map((column) => `${column} = excluded.${column}`)
      .join(", ");
    await this.#query(
      "write to",
      `INSERT INTO eval_results (${resultColumns.join(", ")}) VALUES (${placeholders})
       ON CONFLICT (eval_id, variant, item_id) DO UPDATE SET ${updates}`,
      resultValues(result, (value) => value),
    );
  }

  async results(evalId: string, variant?: string): Promise<EvalResult[]> {
    const rows =
      variant === undefined
        ? await this.#query(
            "read",
            "SELECT * FROM eval_results WHERE eval_id = $1 ORDER BY variant, position",
            [evalId],
          )
        : await this.#query(
            "read",
            "SELECT * FROM eval_results WHERE eval_id = $1 AND variant = $2 ORDER BY position",
            [evalId, variant],
          );
    return rows.map((row) => resultOf(row as Parameters<typeof resultOf>[0]));
  }

  async close(): Promise<void> {
    await this.#pool.end().catch(() => {});
  }

  async #query<R extends object = Record<string, unknown>>(
    what: string,
    sql: string,
    values: unknown[],
  ): Promise<R[]> {
    try {
      return (await this.#pool.query(sql, values)).rows as R[];
    } catch (error) {
      throw new LoupeError(
        "store",
        `Cannot ${what} the evaluation tables in ${this.where}: ${describeError(error)}`,
        {
          cause: error,
        },
      );
    }
  }
}
