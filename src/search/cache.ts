import { createHash } from "node:crypto";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import { describeError, LoupeError } from "../core/errors.js";
import { makeDirectory } from "../core/make-directory.js";
import type { SearchBackend } from "./backend.js";
import { type AroundCall, type BackendCall, wrapBackend } from "./wrap-backend.js";

/**
 * Search results kept on disk so a rerun asks providers nothing and sees what it saw before.
 * Keyed by backend, operation and query (or the image's sha256); entries expire after the TTL.
 */
export class SearchCache {
  readonly #database: Database.Database;
  readonly #ttlMs: number;
  readonly #now: () => number;

  constructor(options: { path: string; ttlSeconds: number; now?: () => number }) {
    if (options.path !== ":memory:")
      makeDirectory(dirname(options.path), "the search cache's folder (search.cache.path)");
    try {
      this.#database = new Database(options.path);
      this.#database.pragma("journal_mode = WAL");
      this.#database.exec(
        "CREATE TABLE IF NOT EXISTS search_cache (key TEXT PRIMARY KEY, value TEXT NOT NULL, expires_at INTEGER NOT NULL)",
      );
    } catch (error) {
      throw new LoupeError(
        "config",
        `Cannot open the search cache at ${options.path} (search.cache.path): ${describeError(error)}.`,
        { cause: error },
      );
    }
    this.#ttlMs = options.ttlSeconds * 1000;
    this.#now = options.now ?? Date.now;
  }

  /**
   * The key of one call. `scope` separates answers that depend on more than the call itself (the
   * address policy a page was fetched under); without one the key is the same as it always was.
   */
  static keyOf(
    call: Pick<BackendCall, "backend" | "operation" | "subject" | "limit">,
    scope?: string,
  ): string {
    const parts: unknown[] = [call.backend, call.operation, call.subject, call.limit ?? null];
    if (scope !== undefined) parts.push(scope);
    const identity = JSON.stringify(parts);
    return createHash("sha256").update(identity).digest("hex");
  }

  get(key: string): unknown {
    const row = this.#database.prepare("SELECT value, expires_at FROM search_cache WHERE key = ?").get(key) as
      | { value: string; expires_at: number }
      | undefined;
    if (!row) return undefined;
    if (row.expires_at <= this.#now()) {
      this.#database.prepare("DELETE FROM search_cache WHERE key = ?").run(key);
      return undefined;
    }
    return JSON.parse(row.value);
  }

  set(key: string, value: unknown): void {
    this.#database
      .prepare("INSERT OR REPLACE INTO search_cache (key, value, expires_at) VALUES (?, ?, ?)")
      .run(key, JSON.stringify(value), this.#now() + this.#ttlMs);
  }

  close(): void {
    this.#database.close();
  }
}

/**
 * The backend with answers served from the cache when present; failures are never cached.
 * Answers are shared only between callers with the same `scope` (see SearchCache.keyOf).
 */
export function withCache(
  backend: SearchBackend,
  cache: SearchCache,
  options: { scope?: string } = {},
): SearchBackend {
  const around: AroundCall = async (call, run) => {
    const key = SearchCache.keyOf(call, options.scope);
    const cached = cache.get(key);
    if (cached !== undefined) return cached === null ? undefined : cached;
    const value = await run();
    // A page a backend does not have is remembered as null, so it is not asked again either.
    cache.set(key, value === undefined ? null : value);
    return value;
  };
  return wrapBackend(backend, around);
}
