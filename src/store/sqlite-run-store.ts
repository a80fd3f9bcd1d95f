import { basename, dirname, extname, join } from "node:path";
import Database from "better-sqlite3";
import { describeError, LoupeError } from "../core/errors.js";
import { ImageSet } from "../core/image-set.js";
import { makeDirectory } from "../core/make-directory.js";
import { assertOrdinaryPath } from "../core/paths.js";
import type { RunCheckpoint } from "../core/run-checkpoint.js";
import type { RunFilter, RunStore, RunSummary } from "../core/run-store.js";
import type { Trajectory } from "../core/trajectory.js";
import { ImageFolder } from "./image-folder.js";
import { listQuery, type SummaryRow, summaryOf } from "./list-query.js";
import {
  LATEST_SCHEMA_VERSION,
  MIGRATIONS_TABLE,
  type Migration,
  migrations,
  newerSchemaMessage,
} from "./migrations.js";
import { normalizeFilter } from "./run-summary.js";
import { fromStoredRun, type StoredRun, toStoredRun } from "./stored-run.js";

/** Where the SQLite store keeps its images: a folder beside the database, `loupe.db` → `loupe-images/`. */
export function imageFolderBeside(databasePath: string): string {
  return join(dirname(databasePath), `${basename(databasePath, extname(databasePath))}-images`);
}

/**
 * The run store in one SQLite file (WAL, so readers never wait for the writer), images in a
 * content-addressed folder beside it. better-sqlite3 is synchronous: every method does its work
 * in one transaction; writers from several processes wait for each other (busy timeout).
 */
export class SqliteRunStore implements RunStore {
  readonly path: string;
  readonly images: ImageFolder;
  readonly #database: Database.Database;
  /** Images this store has seen in the database, whose files it need not look for again. */
  readonly #known = new Set<string>();
  readonly #statements;

  /** Opens (creating when absent) and migrates the store at `path`. */
  constructor(path: string) {
    assertOrdinaryPath(path, "the run store");
    this.path = path;
    this.images = new ImageFolder(imageFolderBeside(path));
    makeDirectory(dirname(path), "the run store's folder");
    this.#database = openDatabase(path);
    try {
      migrate(this.#database, path, migrations);
      this.#statements = prepare(this.#database);
    } catch (error) {
      this.#database.close();
      throw error;
    }
  }

  async save(checkpoint: RunCheckpoint): Promise<void> {
    const stored = toStoredRun(checkpoint);
    this.#write(() => this.#saveStored(stored));
    for (const image of stored.images) this.#known.add(image.id);
  }

  #saveStored(stored: StoredRun): void {
    const s = this.#statements;
    const { summary } = stored;
    for (const image of stored.images) {
      const inserted = s.insertImage.run(image.id, image.mime, image.byteLength).changes > 0;
      // A new row, or one this store has not seen yet: make sure the file is there. (A known image
      // whose row another store removed comes back as a new row, and its file is written again.)
      if (inserted || !this.#known.has(image.id))
        this.images.ensure(image.id, image.mime, bytesOf(image, summary.id));
    }
    s.upsertRun.run({
      id: summary.id,
      created_at: summary.createdAt,
      saved_at: new Date().toISOString(),
      question: summary.question,
      answer: summary.answer ?? null,
      model: summary.model,
      dialect: summary.dialect,
      stop_reason: summary.stopReason,
      tools_used: JSON.stringify(summary.toolsUsed),
      steps: summary.steps,
      tool_calls: summary.toolCalls,
      prompt_tokens: summary.promptTokens,
      completion_tokens: summary.completionTokens,
      wall_ms: summary.wallMs,
      search_text: stored.searchText,
      record: stored.record,
    });
    for (const table of ["steps", "observations", "runTools", "runImages"] as const)
      s.clear[table].run(summary.id);
    for (const step of stored.steps) s.insertStep.run(summary.id, step.position, step.json);
    for (const o of stored.observations)
      s.insertObservation.run(
        summary.id,
        o.step,
        o.position,
        o.callId,
        o.tool,
        o.text,
        o.isError ? 1 : 0,
        o.data,
      );
    for (const tool of summary.toolsUsed) s.insertRunTool.run(summary.id, tool);
    for (const image of stored.images) s.insertRunImage.run(summary.id, image.id);
  }

  async load(runId: string): Promise<RunCheckpoint> {
    const trajectory = await this.getTrajectory(runId);
    if (!trajectory) throw runNotFound(runId, this.path);
    const images = new ImageSet();
    for (const ref of trajectory.images) {
      const bytes = this.images.read(ref.id, ref.mime);
      if (!bytes)
        throw new LoupeError(
          "store",
          `Image ${ref.id.slice(0, 12)} of run ${runId} is missing from ${this.images.dir}.`,
        );
      images.restore(ref, bytes);
    }
    return { trajectory, images };
  }

  async getTrajectory(runId: string): Promise<Trajectory | undefined> {
    const s = this.#statements;
    return this.#read(() => {
      const record = s.selectRecord.get(runId) as string | undefined;
      if (record === undefined) return undefined;
      const steps = s.selectSteps.all(runId) as string[];
      return fromStoredRun(record, steps, `run ${runId} in ${this.path}`);
    });
  }

  async getImage(id: string): Promise<{ bytes: Uint8Array; mime: string } | undefined> {
    const mime = this.#read(() => this.#statements.selectImageMime.get(id) as string | undefined);
    if (mime === undefined) return undefined;
    const bytes = this.images.read(id, mime);
    return bytes ? { bytes, mime } : undefined;
  }

  async list(filter?: RunFilter): Promise<RunSummary[]> {
    const { sql, parameters } = listQuery(
      normalizeFilter(filter),
      () => "?",
      (column, parameter) => `instr(${column}, ${parameter}) > 0`,
    );
    const rows = this.#read(() => this.#database.prepare(sql).all(...parameters) as SummaryRow[]);
    return rows.map(summaryOf);
  }

  async remove(runId: string): Promise<boolean> {
    const s = this.#statements;
    return this.#write(() => {
      const images = s.selectRunImages.all(runId) as { id: string; mime: string }[];
      if (s.deleteRun.run(runId).changes === 0) return false;
      for (const image of images) {
        if (s.imageInUse.get(image.id) !== undefined) continue;
        s.deleteImage.run(image.id);
        // Inside the transaction: a save that needs this image waits for the commit, then finds
        // the row gone and writes the file again.
        this.images.remove(image.id, image.mime);
        this.#known.delete(image.id);
      }
      return true;
    });
  }

  async close(): Promise<void> {
    if (this.#database.open) this.#database.close();
  }

  #write<T>(work: () => T): T {
    try {
      return this.#database.transaction(work).immediate();
    } catch (error) {
      throw storeError(error, `Cannot write to the run store ${this.path}`);
    }
  }

  #read<T>(work: () => T): T {
    try {
      return work();
    } catch (error) {
      throw storeError(error, `Cannot read the run store ${this.path}`);
    }
  }
}

function bytesOf(image: StoredRun["images"][number], runId: string): Uint8Array {
  try {
    return image.bytes();
  } catch {
    throw new LoupeError(
      "store",
      `Cannot save run ${runId}: the bytes of image ${image.id.slice(0, 12)} are not loaded and the store does not have them.`,
    );
  }
}

export function runNotFound(runId: string, where: string): LoupeError {
  return new LoupeError("run-not-found", `No run ${runId} in the run store ${where}.`, {
    hint: "`loupe runs list` shows the runs it holds",
  });
}

function storeError(error: unknown, context: string): LoupeError {
  if (error instanceof LoupeError) return error;
  return new LoupeError("store", `${context}: ${describeError(error)}`, { cause: error });
}

function openDatabase(path: string): Database.Database {
  let database: Database.Database | undefined;
  try {
    database = new Database(path, { timeout: 15_000 });
    database.pragma("journal_mode = WAL");
    database.pragma("synchronous = NORMAL");
    database.pragma("foreign_keys = ON");
    return database;
  } catch (error) {
    database?.close();
    throw new LoupeError("store", `Cannot open the run store ${path}: ${describeError(error)}`, {
      cause: error,
      hint: "is it a Loupe run store (loupe.db)? Move the file away to start a new store, or pass --store with another path",
    });
  }
}

/** Applies the migrations the database lacks, in one transaction; refuses a newer schema. */
function migrate(database: Database.Database, path: string, known: readonly Migration[]): void {
  const run = database.transaction(() => {
    database.exec(
      `CREATE TABLE IF NOT EXISTS ${MIGRATIONS_TABLE} (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL)`,
    );
    const current =
      (database.prepare(`SELECT max(version) FROM ${MIGRATIONS_TABLE}`).pluck().get() as number | null) ?? 0;
    if (current > LATEST_SCHEMA_VERSION) throw new LoupeError("store", newerSchemaMessage(path, current));
    const record = database.prepare(
      `INSERT INTO ${MIGRATIONS_TABLE} (version, description, applied_at) VALUES (?, ?, ?)`,
    );
    for (const migration of known) {
      if (migration.version <= current) continue;
      database.exec(migration.sqlite);
      record.run(migration.version, migration.description, new Date().toISOString());
    }
  });
  try {
    run.immediate();
  } catch (error) {
    if (error instanceof LoupeError) throw error;
    throw new LoupeError("store", `Cannot open the run store ${path}: ${describeError(error)}`, {
      cause: error,
      hint: "is it a Loupe run store (loupe.db)? Move the file away to start a new store, or pass --store with another path",
    });
  }
}

function prepare(database: Database.Database) {
  const clear = (table: string) => database.prepare(`DELETE FROM ${table} WHERE run_id = ?`);
  return {
    insertImage: database.prepare("INSERT OR IGNORE INTO images (id, mime, byte_length) VALUES (?, ?, ?)"),
    upsertRun: database.prepare(`
      INSERT INTO runs (id, created_at, saved_at, question, answer, model, dialect, stop_reason, tools_used,
        steps, tool_calls, prompt_tokens, completion_tokens, wall_ms, search_text, record)
      VALUES (@id, @created_at, @saved_at, @question, @answer, @model, @dialect, @stop_reason, @tools_used,
        @steps, @tool_calls, @prompt_tokens, @completion_tokens, @wall_ms, @search_text, @record)
      ON CONFLICT (id) DO UPDATE SET created_at = excluded.created_at, saved_at = excluded.saved_at,
        question = excluded.question, answer = excluded.answer, model = excluded.model,
        dialect = excluded.dialect, stop_reason = excluded.stop_reason, tools_used = excluded.tools_used,
        steps = excluded.steps, tool_calls = excluded.tool_calls, prompt_tokens = excluded.prompt_tokens,
        completion_tokens = excluded.completion_tokens, wall_ms = excluded.wall_ms,
        search_text = excluded.search_text, record = excluded.record`),
    clear: {
      steps: clear("steps"),
      observations: clear("observations"),
      runTools: clear("run_tools"),
      runImages: clear("run_images"),
    },
    insertStep: database.prepare("INSERT INTO steps (run_id, position, record) VALUES (?, ?, ?)"),
    insertObservation: database.prepare(
      "INSERT INTO observations (run_id, step, position, call_id, tool, text, is_error, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    ),
    insertRunTool: database.prepare("INSERT INTO run_tools (run_id, tool) VALUES (?, ?)"),
    insertRunImage: database.prepare("INSERT INTO run_images (run_id, image_id) VALUES (?, ?)"),
    selectRecord: database.prepare("SELECT record FROM runs WHERE id = ?").pluck(),
    selectSteps: database.prepare("SELECT record FROM steps WHERE run_id = ? ORDER BY position").pluck(),
    selectImageMime: database.prepare("SELECT mime FROM images WHERE id = ?").pluck(),
    selectRunImages: database.prepare(
      "SELECT images.id, images.mime FROM run_images JOIN images ON images.id = run_images.image_id WHERE run_images.run_id = ?",
    ),
    deleteRun: database.prepare("DELETE FROM runs WHERE id = ?"),
    imageInUse: database.prepare("SELECT 1 FROM run_images WHERE image_id = ? LIMIT 1"),
    deleteImage: database.prepare("DELETE FROM images WHERE id = ?"),
  };
}
