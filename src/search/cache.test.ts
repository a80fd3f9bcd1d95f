import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { SearchBackend } from "./backend.js";
import { SearchCache, withCache } from "./cache.js";

const folder = mkdtempSync(join(tmpdir(), "loupe-search-cache-"));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe("SearchCache", () => {
  it("misses, hits, and expires after the TTL", () => {
    let now = 1_000_000;
    const cache = new SearchCache({
      path: join(folder, "nested", "cache.sqlite"),
      ttlSeconds: 60,
      now: () => now,
    });
    const key = SearchCache.keyOf({
      backend: "serper",
      operation: "searchText",
      subject: "eiffel",
      limit: 10,
    });
    expect(cache.get(key)).toBeUndefined();
    cache.set(key, [{ title: "t", url: "u", snippet: "s" }]);
    expect(cache.get(key)).toEqual([{ title: "t", url: "u", snippet: "s" }]);
    now += 59_999;
    expect(cache.get(key)).toBeDefined();
    now += 1;
    expect(cache.get(key)).toBeUndefined();
    cache.close();
  });

  it("keys by backend, operation, subject and limit", () => {
    const base = { backend: "serper", operation: "searchText" as const, subject: "q", limit: 10 };
    const keys = new Set([
      SearchCache.keyOf(base),
      SearchCache.keyOf({ ...base, backend: "brave" }),
      SearchCache.keyOf({ ...base, operation: "searchImagesByText" }),
      SearchCache.keyOf({ ...base, subject: "q2" }),
      SearchCache.keyOf({ ...base, limit: 5 }),
    ]);
    expect(keys.size).toBe(5);
  });

  it("separates keys by scope, and keeps the unscoped key as it was", () => {
    const base = { backend: "direct", operation: "readPage" as const, subject: "http://intranet/" };
    const keys = new Set([
      SearchCache.keyOf(base),
      SearchCache.keyOf(base, "policy-a"),
      SearchCache.keyOf(base, "policy-b"),
    ]);
    expect(keys.size).toBe(3);
    expect(SearchCache.keyOf(base, undefined)).toBe(SearchCache.keyOf(base));
  });

  it("shares cached answers only between callers with the same scope", async () => {
    const cache = new SearchCache({ path: ":memory:", ttlSeconds: 60 });
    let calls = 0;
    const backend: SearchBackend = {
      name: "counting",
      async readPage(url) {
        calls++;
        return {
          url,
          title: `fetch ${calls}`,
          markdown: "",
          links: [],
          images: [],
          contentType: "text/html",
        };
      },
    };
    const relaxed = withCache(backend, cache, { scope: "relaxed" });
    const strict = withCache(backend, cache, { scope: "strict" });
    expect((await relaxed.readPage!("http://intranet/", {}))?.title).toBe("fetch 1");
    expect((await strict.readPage!("http://intranet/", {}))?.title).toBe("fetch 2");
    expect(
      (await withCache(backend, cache, { scope: "relaxed" }).readPage!("http://intranet/", {}))?.title,
    ).toBe("fetch 1");
    expect(calls).toBe(2);
    cache.close();
  });

  it("persists across reopening and serves a cached backend without calling it", async () => {
    const path = join(folder, "persist.sqlite");
    let calls = 0;
    const backend: SearchBackend = {
      name: "counting",
      async searchText(query) {
        calls++;
        return [{ title: query, url: "https://example.org", snippet: "" }];
      },
      async readPage() {
        calls++;
        return undefined;
      },
    };
    const first = new SearchCache({ path, ttlSeconds: 60 });
    const cached = withCache(backend, first);
    await cached.searchText!("harbour", { limit: 3 });
    expect(await cached.readPage!("https://example.org/none", {})).toBeUndefined();
    first.close();
    const second = new SearchCache({ path, ttlSeconds: 60 });
    const again = withCache(backend, second);
    expect(await again.searchText!("harbour", { limit: 3 })).toEqual([
      { title: "harbour", url: "https://example.org", snippet: "" },
    ]);
    expect(await again.readPage!("https://example.org/none", {})).toBeUndefined();
    expect(calls).toBe(2);
    await again.searchText!("other", { limit: 3 });
    expect(calls).toBe(3);
    second.close();
  });

  it("refuses a path under /proc at once, where creating its folder used to spin forever", () => {
    expect(() => new SearchCache({ path: "/proc/loupe/cache.sqlite", ttlSeconds: 60 })).toThrow(
      /search cache's folder \(search\.cache\.path\): \/proc\/loupe is under \/proc/,
    );
  });

  it("names the path when the database cannot be opened", () => {
    const dir = mkdtempSync(join(tmpdir(), "loupe-cache-"));
    expect(() => new SearchCache({ path: dir, ttlSeconds: 60 })).toThrow(
      /^Cannot open the search cache at .* \(search\.cache\.path\): /,
    );
    rmSync(dir, { recursive: true, force: true });
  });
});
