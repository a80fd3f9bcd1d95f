import Database from "better-sqlite3";
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

/**
 * The evaluation tables in the run store's SQLite file, through a connection of their own (the
 * run store, opened first, has migrated the file). Each write is its own transaction, so a result
 * is on disk (WAL) when `saveResult` returns.
 */
export class SqliteEvalStore implements EvalStore {
  readonly path: string;
  readonly #database: Database.Database;
  readonly #statements;

  constructor(path: string) {
    this.path = path;
    try {
      this.#database = new Database(path, { timeout: 15_000 });
      this.#database.pragma("journal_mode = WAL");
      this.#database.pragma("synchronous = NORMAL");
      this.#database.pragma("foreign_keys = ON");
    } catch (error) {
      throw new LoupeError("store", `Cannot open the evaluation tables in ${path}: ${describeError(error)}`);
    }
    const placeholders = resultColumns.map(() => "?").join(", ");
    const updates = resultColumns
      .filter((column) => !["eval_id", "variant", "item_id"].includes(column))
      .map((column) => `${column} = excluded.${column}`)
      .join(", ");
    const db = this.#database;
    this.#statements = {
      insertEvaluation: db.prepare(
        "INSERT INTO evaluations (id, name, benchmark, created_at, settings, items) VALUES (?, ?, ?, ?, ?, ?)",
      ),
      selectEvaluation: db.prepare("SELECT * FROM evaluations WHERE id = ?"),
      listEvaluations: db.prepare(
        "SELECT id, name, benchmark, created_at, settings FROM evaluations ORDER BY created_at DESC, id DESC",
      ),
      upsertResult: db.prepare(
        `INSERT INTO eval_results (${resultColumns.join(", ")}) VALUES (${placeholders})
         ON CONFLICT (eval_id, variant, item_id) DO UPDATE SET ${updates}`,
      ),
      results: db.prepare("SELECT * FROM eval_results WHERE eval_id = ? ORDER BY variant, position"),
      variantResults: db.prepare(
        "SELECT * FROM eval_results WHERE eval_id = ? AND variant = ? ORDER BY position",
      ),
    };
  }

  async createEvaluation(record: EvaluationRecord): Promise<void> {
    this.#run("write to", () =>
      this.#statements.insertEvaluation.run(
        record.id,
        record.name ?? null,
        record.benchmark,
        record.createdAt,
        JSON.stringify(record.settings),
        JSON.stringify(record.items),
      ),
    );
  }

  async getEvaluation(id: string): Promise<EvaluationRecord | undefined> {
    const row = this.#run("read", () => this.#statements.selectEvaluation.get(id)) as
      | EvaluationRow
      | undefined;
    return row ? evaluationOf(row) : undefined;
  }

  async listEvaluations(): Promise<Omit<EvaluationRecord, "items">[]> {
    const rows = this.#run("read", () => this.#statements.listEvaluations.all()) as EvaluationRow[];
    return rows.map((row) => {
      const { items: _items, ...rest } = evaluationOf(row);
      return rest;
    });
  }

  async saveResult(result: EvalResult): Promise<void> {
    this.#run("write to", () =>
      this.#statements.upsertResult.run(...resultValues(result, (value) => (value ? 1 : 0))),
    );
  }

  async results(evalId: string, variant?: string): Promise<EvalResult[]> {
    const rows = this.#run("read", () =>
      variant === undefined
        ? this.#statements.results.all(evalId)
        : this.#statements.variantResults.all(evalId, variant),
    ) as Parameters<typeof resultOf>[0][];
    return rows.map(resultOf);
  }

  async close(): Promise<void> {
    if (this.#database.open) this.#database.close();
  }

  #run<T>(what: string, work: () => T): T {
    try {
      return work();
    } catch (error) {
      throw new LoupeError(
        "store",
        `Cannot ${what} the evaluation tables in ${this.path}: ${describeError(error)}`,
        {
          cause: error,
        },
      );
    }
  }
}
