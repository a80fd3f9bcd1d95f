/**
 * The store's schema, as numbered migrations. Each store applies, when it opens, those its
 * database has not had yet, in one transaction, and records them in `loupe_schema_migrations`.
 * Never edit a released migration: add the next one. A database whose newest version is above
 * the last one here was written by a newer Loupe and is refused (see 1003-store-migrations.md).
 */
export interface Migration {
  version: number;
  description: string;
  sqlite: string;
  postgres: string;
}

export const MIGRATIONS_TABLE = "loupe_schema_migrations";

export const migrations: readonly Migration[] = [
  {
    version: 1,
    description: "runs, their steps and observations, content-addressed images",
    sqlite: `
      CREATE TABLE runs (
        id TEXT PRIMARY KEY,
        created_at TEXT NOT NULL,
        saved_at TEXT NOT NULL,
        question TEXT NOT NULL,
        answer TEXT,
        model TEXT NOT NULL,
        dialect TEXT NOT NULL,
        stop_reason TEXT NOT NULL,
        tools_used TEXT NOT NULL,
        steps INTEGER NOT NULL,
        tool_calls INTEGER NOT NULL,
        prompt_tokens INTEGER NOT NULL,
        completion_tokens INTEGER NOT NULL,
        wall_ms INTEGER NOT NULL,
        search_text TEXT NOT NULL,
        record TEXT NOT NULL
      );
      CREATE INDEX runs_newest ON runs (created_at DESC, id DESC);
      CREATE TABLE steps (
        run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        record TEXT NOT NULL,
        PRIMARY KEY (run_id, position)
      ) WITHOUT ROWID;
      CREATE TABLE observations (
        run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        step INTEGER NOT NULL,
        position INTEGER NOT NULL,
        call_id TEXT NOT NULL,
        tool TEXT NOT NULL,
        text TEXT NOT NULL,
        is_error INTEGER NOT NULL,
        data TEXT,
        PRIMARY KEY (run_id, step, position)
      ) WITHOUT ROWID;
      CREATE INDEX observations_tool ON observations (tool);
      CREATE TABLE images (
        id TEXT PRIMARY KEY,
        mime TEXT NOT NULL,
        byte_length INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE TABLE run_images (
        run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        image_id TEXT NOT NULL REFERENCES images (id),
        PRIMARY KEY (run_id, image_id)
      ) WITHOUT ROWID;
      CREATE INDEX run_images_image ON run_images (image_id);
    `,
    postgres: `
      CREATE TABLE runs (
        id TEXT PRIMARY KEY,
        created_at TEXT NOT NULL,
        saved_at TEXT NOT NULL,
        question TEXT NOT NULL,
        answer TEXT,
        model TEXT NOT NULL,
        dialect TEXT NOT NULL,
        stop_reason TEXT NOT NULL,
        tools_used TEXT NOT NULL,
        steps INTEGER NOT NULL,
        tool_calls INTEGER NOT NULL,
        prompt_tokens BIGINT NOT NULL,
        completion_tokens BIGINT NOT NULL,
        wall_ms BIGINT NOT NULL,
        search_text TEXT NOT NULL,
        record TEXT NOT NULL
      );
      CREATE INDEX runs_newest ON runs (created_at DESC, id DESC);
      CREATE TABLE steps (
        run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        record TEXT NOT NULL,
        PRIMARY KEY (run_id, position)
      );
      CREATE TABLE observations (
        run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        step INTEGER NOT NULL,
        position INTEGER NOT NULL,
        call_id TEXT NOT NULL,
        tool TEXT NOT NULL,
        text TEXT NOT NULL,
        is_error BOOLEAN NOT NULL,
        data TEXT,
        PRIMARY KEY (run_id, step, position)
      );
      CREATE INDEX observations_tool ON observations (tool);
      CREATE TABLE images (
        id TEXT PRIMARY KEY,
        mime TEXT NOT NULL,
        byte_length INTEGER NOT NULL,
        bytes BYTEA NOT NULL
      );
      CREATE TABLE run_images (
        run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        image_id TEXT NOT NULL REFERENCES images (id),
        PRIMARY KEY (run_id, image_id)
      );
      CREATE INDEX run_images_image ON run_images (image_id);
      -- Stored uncompressed: a checkpoint rewrites the record, and compressing it took most of the
      -- save's time (bench/store.ts); images are JPEG or PNG, compressed already.
      ALTER TABLE runs ALTER COLUMN record SET STORAGE EXTERNAL;
      ALTER TABLE steps ALTER COLUMN record SET STORAGE EXTERNAL;
      ALTER TABLE images ALTER COLUMN bytes SET STORAGE EXTERNAL;
    `,
  },
  {
    version: 2,
    description: "run_tools: the tools each run called, one row each, for the tool filter",
    sqlite: `
      CREATE TABLE run_tools (
        run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        tool TEXT NOT NULL,
        PRIMARY KEY (run_id, tool)
      ) WITHOUT ROWID;
      CREATE INDEX run_tools_tool ON run_tools (tool);
      INSERT INTO run_tools (run_id, tool)
        SELECT runs.id, used.value FROM runs, json_each(runs.tools_used) AS used;
    `,
    postgres: `
      CREATE TABLE run_tools (
        run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        tool TEXT NOT NULL,
        PRIMARY KEY (run_id, tool)
      );
      CREATE INDEX run_tools_tool ON run_tools (tool);
      INSERT INTO run_tools (run_id, tool)
        SELECT runs.id, used.value FROM runs, jsonb_array_elements_text(runs.tools_used::jsonb) AS used;
    `,
  },
  {
    version: 3,
    description: "evaluations and their per-item results, each committed as it finishes",
    sqlite: `
      CREATE TABLE evaluations (
        id TEXT PRIMARY KEY,
        name TEXT,
        benchmark TEXT NOT NULL,
        created_at TEXT NOT NULL,
        settings TEXT NOT NULL,
        items TEXT NOT NULL
      );
      CREATE TABLE eval_results (
        eval_id TEXT NOT NULL REFERENCES evaluations (id) ON DELETE CASCADE,
        variant TEXT NOT NULL,
        item_id TEXT NOT NULL,
        position INTEGER NOT NULL,
        status TEXT NOT NULL,
        run_id TEXT,
        attempts INTEGER NOT NULL,
        category TEXT,
        subcategory TEXT,
        meta TEXT,
        response TEXT,
        correct INTEGER,
        score DOUBLE PRECISION,
        scored TEXT,
        error TEXT,
        started_at TEXT NOT NULL,
        finished_at TEXT,
        wall_ms INTEGER,
        prompt_tokens INTEGER,
        completion_tokens INTEGER,
        cost_usd DOUBLE PRECISION,
        tool_calls TEXT,
        PRIMARY KEY (eval_id, variant, item_id)
      ) WITHOUT ROWID;
      CREATE INDEX eval_results_run ON eval_results (run_id);
    `,
    postgres: `
      CREATE TABLE evaluations (
        id TEXT PRIMARY KEY,
        name TEXT,
        benchmark TEXT NOT NULL,
        created_at TEXT NOT NULL,
        settings TEXT NOT NULL,
        items TEXT NOT NULL
      );
      CREATE TABLE eval_results (
        eval_id TEXT NOT NULL REFERENCES evaluations (id) ON DELETE CASCADE,
        variant TEXT NOT NULL,
        item_id TEXT NOT NULL,
        position INTEGER NOT NULL,
        status TEXT NOT NULL,
        run_id TEXT,
        attempts INTEGER NOT NULL,
        category TEXT,
        subcategory TEXT,
        meta TEXT,
        response TEXT,
        correct BOOLEAN,
        score DOUBLE PRECISION,
        scored TEXT,
        error TEXT,
        started_at TEXT NOT NULL,
        finished_at TEXT,
        wall_ms BIGINT,
        prompt_tokens BIGINT,
        completion_tokens BIGINT,
        cost_usd DOUBLE PRECISION,
        tool_calls TEXT,
        PRIMARY KEY (eval_id, variant, item_id)
      );
      CREATE INDEX eval_results_run ON eval_results (run_id);
    `,
  },
];

export const LATEST_SCHEMA_VERSION = migrations[migrations.length - 1]!.version;

/** The error text for a database migrated by a newer Loupe than this one. */
export function newerSchemaMessage(where: string, version: number): string {
  return `The run store ${where} has schema version ${version}, newer than this Loupe knows (${LATEST_SCHEMA_VERSION}): it was written by a newer Loupe. Upgrade Loupe, or point --store at another database.`;
}
