import { join } from "node:path";
import { LoupeError } from "../core/errors.js";
import { loupeHome } from "../core/paths.js";
import type { RunStore } from "../core/run-store.js";
import { SqliteRunStore } from "./sqlite-run-store.js";

/** The default store: one SQLite file in Loupe's home. */
export function defaultStorePath(environment: NodeJS.ProcessEnv = process.env): string {
  return join(loupeHome(environment), "loupe.db");
}

/** True for the URLs that name a PostgreSQL database. */
export function isPostgresUrl(location: string): boolean {
  return /^postgres(ql)?:\/\//i.test(location);
}

/**
 * Opens the run store a location names: `postgres://…` (or `postgresql://…`) is PostgreSQL;
 * `sqlite:PATH`, a plain path, or nothing (the default `$LOUPE_HOME/loupe.db`) is SQLite.
 * The pg package is imported only for PostgreSQL.
 */
export async function openRunStore(
  location?: string,
  environment: NodeJS.ProcessEnv = process.env,
): Promise<RunStore> {
  const where = location?.trim() || defaultStorePath(environment);
  if (isPostgresUrl(where)) {
    const { PostgresRunStore } = await import("./postgres-run-store.js");
    return PostgresRunStore.open(where);
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(where))
    throw new LoupeError(
      "config",
      `store: ${redactUrl(where)} is not a store Loupe knows: give a postgres:// URL or a SQLite file path.`,
    );
  return new SqliteRunStore(where.replace(/^sqlite:/i, ""));
}

/** A URL with its password hidden, for messages and listings. */
export function redactUrl(location: string): string {
  return location.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*):[^@/]*@/i, "$1:***@");
}
