import pg from "pg";
import { describeError, LoupeError } from "../core/errors.js";
import { ImageSet } from "../core/image-set.js";
import type { RunCheckpoint } from "../core/run-checkpoint.js";
import type { RunFilter, RunStore, RunSummary } from "../core/run-store.js";
import type { Trajectory } from "../core/trajectory.js";
import { listQuery, type SummaryRow, summaryOf } from "./list-query.js";
import { LATEST_SCHEMA_VERSION, MIGRATIONS_TABLE, migrations, newerSchemaMessage } from "./migrations.js";
import { redactUrl } from "./open-run-store.js";
import { normalizeFilter } from "./run-summary.js";
import { runNotFound } from "./sqlite-run-store.js";
import { fromStoredRun, type StoredRun, toStoredRun } from "./stored-run.js";

/** Any constant: the advisory lock that keeps two processes from migrating at once. */
const MIGRATION_LOCK = 7_304_221;

/**
 * The run store in PostgreSQL, for several processes (or machines) sharing one store. Images are
 * kept in the database (bytea), so the database is the whole store and nothing needs a shared
 * disk (1002-store-images.md). Every save is one transaction; images are uploaded only when the
 * database lacks them.
 */
export class PostgresRunStore implements RunStore {
  readonly #pool: pg.Pool;
  readonly where: string;

  private constructor(pool: pg.Pool, where: string) {
    this.#pool = pool;
    this.where = where;
  }

  /** Connects, and applies the migrations the database lacks. */
  static async open(url: string, options: { maxConnections?: number } = {}): Promise<PostgresRunStore> {
    const pool = new pg.Pool({ connectionString: url, max: options.maxConnections ?? 4 });
    // A connection that dies while idle must not take the process down; the next query reports it.
    pool.on("error", () => {});
    const store = new PostgresRunStore(pool, redactUrl(url));
    try {
      await store.#migrate();
    } catch (error) {
      await pool.end().catch(() => {});
      throw error instanceof LoupeError
        ? error
        : new LoupeError("store", `Cannot open the run store ${store.where}: ${describeError(error)}`, {
            cause: error,
          });
    }
    return store;
  }

  async #migrate(): Promise<void> {
    await this.#transaction(async (client) => {
      await client.query("SELECT pg_advisory_xact_lock($1)", [MIGRATION_LOCK]);
      await client.query(
        `CREATE TABLE IF NOT EXISTS ${MIGRATIONS_TABLE} (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL)`,
      );
      const { rows } = await client.query(`SELECT max(version) AS version FROM ${MIGRATIONS_TABLE}`);
      const current = Number(rows[0]?.version ?? 0);
      if (current > LATEST_SCHEMA_VERSION)
        throw new LoupeError("store", newerSchemaMessage(this.where, current));
      for (const migration of migrations) {
        if (migration.version <= current) continue;
        await client.query(migration.postgres);
        await client.query(
          `INSERT INTO ${MIGRATIONS_TABLE} (version, description, applied_at) VALUES ($1, $2, $3)`,
          [migration.version, migration.description, new Date().toISOString()],
        );
      }
    }, "open");
  }

  async save(checkpoint: RunCheckpoint): Promise<void> {
    const stored = toStoredRun(checkpoint);
    await this.#transaction((client) => saveStored(client, stored), "write to");
  }

  async load(runId: string): Promise<RunCheckpoint> {
    const trajectory = await this.getTrajectory(runId);
    if (!trajectory) throw runNotFound(runId, this.where);
    const { rows } = await this.#query<{ id: string; bytes: Buffer }>(
      "SELECT id, bytes FROM images WHERE id = ANY($1)",
      [trajectory.images.map((image) => image.id)],
    );
    const bytes = new Map(rows.map((row) => [row.id, new Uint8Array(row.bytes)]));
    const images = new ImageSet();
    for (const ref of trajectory.images) {
      const found = bytes.get(ref.id);
      if (!found)
        throw new LoupeError(
          "store",
          `Image ${ref.id.slice(0, 12)} of run ${runId} is missing from ${this.where}.`,
        );
      images.restore(ref, found);
    }
    return { trajectory, images };
  }

  async getTrajectory(runId: string): Promise<Trajectory | undefined> {
    const records = await this.#query<{ record: string }>("SELECT record FROM runs WHERE id = $1", [runId]);
    const record = records.rows[0]?.record;
    if (record === undefined) return undefined;
    const steps = await this.#query<{ record: string }>(
      "SELECT record FROM steps WHERE run_id = $1 ORDER BY position",
      [runId],
    );
    return fromStoredRun(
      record,
      steps.rows.map((row) => row.record),
      `run ${runId} in ${this.where}`,
    );
  }

  async getImage(id: string): Promise<{ bytes: Uint8Array; mime: string } | undefined> {
    const { rows } = await this.#query<{ mime: string; bytes: Buffer }>(
      "SELECT mime, bytes FROM images WHERE id = $1",
      [id],
    );
    const row = rows[0];
    return row ? { bytes: new Uint8Array(row.bytes), mime: row.mime } : undefined;
  }

  async list(filter?: RunFilter): Promise<RunSummary[]> {
    const { sql, parameters } = listQuery(
      normalizeFilter(filter),
      (index) => `$${index}`,
      (column, parameter) => `strpos(${column}, ${parameter}) > 0`,
    );
    const { rows } = await this.#query<SummaryRow>(sql, parameters);
    return rows.map(summaryOf);
  }

  async remove(runId: string): Promise<boolean> {
    return this.#transaction(async (client) => {
      const referenced = await client.query<{ image_id: string }>(
        "SELECT image_id FROM run_images WHERE run_id = $1",
        [runId],
      );
      const deleted = await client.query("DELETE FROM runs WHERE id = $1", [runId]);
      if (deleted.rowCount === 0) return false;
      const ids = referenced.rows.map((row) => row.image_id);
      if (ids.length > 0) {
        // Lock the images first: a save that holds one (FOR SHARE) commits before this goes on,
        // and the next statement sees its references; one that comes later finds it gone and
        // uploads it again.
        await client.query("SELECT id FROM images WHERE id = ANY($1) FOR UPDATE", [ids]);
        await client.query(
          "DELETE FROM images WHERE id = ANY($1) AND NOT EXISTS (SELECT 1 FROM run_images WHERE run_images.image_id = images.id)",
          [ids],
        );
      }
      return true;
    }, "write to");
  }

  async close(): Promise<void> {
    await this.#pool.end().catch(() => {});
  }

  async #query<Row extends pg.QueryResultRow>(
    sql: string,
    parameters: unknown[],
  ): Promise<pg.QueryResult<Row>> {
    try {
      return await this.#pool.query<Row>(sql, parameters);
    } catch (error) {
      throw new LoupeError("store", `Cannot read the run store ${this.where}: ${describeError(error)}`, {
        cause: error,
      });
    }
  }

  async #transaction<T>(work: (client: pg.PoolClient) => Promise<T>, verb: string): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.#pool.connect();
    } catch (error) {
      throw new LoupeError("store", `Cannot ${verb} the run store ${this.where}: ${describeError(error)}`, {
        cause: error,
      });
    }
    try {
      await client.query("BEGIN");
      const result = await work(client);
      await client.query("COMMIT");
      return result;
    } catch (error) {
      await client.query("ROLLBACK").catch(() => {});
      if (error instanceof LoupeError) throw error;
      throw new LoupeError("store", `Cannot ${verb} the run store ${this.where}: ${describeError(error)}`, {
        cause: error,
      });
    } finally {
      client.release();
    }
  }
}

async function saveStored(client: pg.PoolClient, stored: StoredRun): Promise<void> {
  const { summary } = stored;
  const runId = summary.id;
  const ids = stored.images.map((image) => image.id);
  // FOR SHARE: a removal cannot delete these images until this save commits (see remove).
  const present = await client.query<{ id: string }>("SELECT id FROM images WHERE id = ANY($1) FOR SHARE", [
    ids,
  ]);
  const have = new Set(present.rows.map((row) => row.id));
  for (const image of stored.images) {
    if (have.has(image.id)) continue;
    let bytes: Uint8Array;
    try {
      bytes = image.bytes();
    } catch {
      throw new LoupeError(
        "store",
        `Cannot save run ${runId}: the bytes of image ${image.id.slice(0, 12)} are not loaded and the store does not have them.`,
      );
    }
    await client.query(
      "INSERT INTO images (id, mime, byte_length, bytes) VALUES ($1, $2, $3, $4) ON CONFLICT (id) DO NOTHING",
      [image.id, image.mime, image.byteLength, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)],
    );
  }
  await client.query(
    `INSERT INTO runs (id, created_at, saved_at, question, answer, model, dialect, stop_reason, tools_used,
       steps, tool_calls, prompt_tokens, completion_tokens, wall_ms, search_text, record)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
     ON CONFLICT (id) DO UPDATE SET created_at = excluded.created_at, saved_at = excluded.saved_at,
       question = excluded.question, answer = excluded.answer, model = excluded.model,
       dialect = excluded.dialect, stop_reason = excluded.stop_reason, tools_used = excluded.tools_used,
       steps = excluded.steps, tool_calls = excluded.tool_calls, prompt_tokens = excluded.prompt_tokens,
       completion_tokens = excluded.completion_tokens, wall_ms = excluded.wall_ms,
       search_text = excluded.search_text, record = excluded.record`,
    [
      runId,
      summary.createdAt,
      new Date().toISOString(),
      withoutNul(summary.question),
      summary.answer === undefined ? null : withoutNul(summary.answer),
      summary.model,
      summary.dialect,
      summary.stopReason,
      JSON.stringify(summary.toolsUsed),
      summary.steps,
      summary.toolCalls,
      summary.promptTokens,
      summary.completionTokens,
      summary.wallMs,
      withoutNul(stored.searchText),
      stored.record,
    ],
  );
  // The children are replaced whole; the run row's lock (taken by the upsert) orders two saves of one run.
  await client.query(
    "WITH a AS (DELETE FROM steps WHERE run_id = $1), b AS (DELETE FROM observations WHERE run_id = $1), c AS (DELETE FROM run_tools WHERE run_id = $1) DELETE FROM run_images WHERE run_id = $1",
    [runId],
  );
  if (stored.steps.length > 0)
    await client.query(
      "INSERT INTO steps (run_id, position, record) SELECT $1, step.position, step.record FROM unnest($2::int[], $3::text[]) AS step (position, record)",
      [runId, stored.steps.map((step) => step.position), stored.steps.map((step) => step.json)],
    );
  const observations = stored.observations;
  if (observations.length > 0)
    await client.query(
      `INSERT INTO observations (run_id, step, position, call_id, tool, text, is_error, data)
       SELECT $1, o.step, o.position, o.call_id, o.tool, o.text, o.is_error, o.data
       FROM unnest($2::int[], $3::int[], $4::text[], $5::text[], $6::text[], $7::boolean[], $8::text[])
         AS o (step, position, call_id, tool, text, is_error, data)`,
      [
        runId,
        observations.map((o) => o.step),
        observations.map((o) => o.position),
        observations.map((o) => o.callId),
        observations.map((o) => o.tool),
        observations.map((o) => withoutNul(o.text)),
        observations.map((o) => o.isError),
        observations.map((o) => o.data),
      ],
    );
  if (summary.toolsUsed.length > 0)
    await client.query("INSERT INTO run_tools (run_id, tool) SELECT $1, unnest($2::text[])", [
      runId,
      summary.toolsUsed,
    ]);
  if (ids.length > 0)
    await client.query("INSERT INTO run_images (run_id, image_id) SELECT $1, unnest($2::text[])", [
      runId,
      ids,
    ]);
}

/**
 * PostgreSQL's text cannot hold NUL characters; the columns that listings read drop them (the
 * record keeps them, JSON-escaped).
 */
function withoutNul(text: string): string {
  return text.includes("\0") ? text.replaceAll("\0", "") : text;
}
