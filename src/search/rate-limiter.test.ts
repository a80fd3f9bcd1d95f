import { describe, expect, it } from "vitest";
import type { SearchBackend } from "./backend.js";
import { RateLimiter, withRateLimit } from "./rate-limiter.js";

describe("RateLimiter", () => {
  it("spaces reservations 1/rate apart and frees slots as time passes", () => {
    let now = 0;
    const limiter = new RateLimiter(4, () => now);
    expect([limiter.reserve(), limiter.reserve(), limiter.reserve()]).toEqual([0, 250, 500]);
    now = 2000;
    expect(limiter.reserve()).toBe(0);
    now = 2100;
    expect(limiter.reserve()).toBe(150);
  });

  it("lets every call through in order when wrapped around a backend", async () => {
    const seen: string[] = [];
    const backend: SearchBackend = {
      name: "ordered",
      async searchText(query) {
        seen.push(query);
        return [];
      },
    };
    const limited = withRateLimit(backend, new RateLimiter(1000));
    await Promise.all(["a", "b", "c"].map((query) => limited.searchText!(query, { limit: 1 })));
    expect(seen).toEqual(["a", "b", "c"]);
  });

  it("stops waiting when the call is cancelled", async () => {
    const limiter = new RateLimiter(0.001);
    await limiter.acquire();
    const controller = new AbortController();
    const waiting = limiter.acquire(controller.signal);
    controller.abort();
    await expect(waiting).rejects.toThrow(/cancelled/);
  });
});
