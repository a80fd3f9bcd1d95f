import { describe, expect, it } from "vitest";
import { defaultRetryPolicy, parseRetryAfter, retryDelayMs, sleepUnlessAborted } from "./retry-policy.js";

describe("retryDelayMs", () => {
  const policy = { ...defaultRetryPolicy, maxRetries: 5, baseDelayMs: 100, maxDelayMs: 1000 };

  it("grows exponentially with jitter between half and all of the ceiling, capped", () => {
    expect(retryDelayMs({ ...policy, random: () => 0 }, 1)).toBe(50);
    expect(retryDelayMs({ ...policy, random: () => 0.999999 }, 1)).toBe(100);
    expect(retryDelayMs({ ...policy, random: () => 0 }, 3)).toBe(200);
    expect(retryDelayMs({ ...policy, random: () => 0.999999 }, 10)).toBe(1000);
  });

  it("prefers the server's Retry-After, within its cap", () => {
    expect(retryDelayMs(policy, 1, 3000)).toBe(3000);
    expect(retryDelayMs({ ...policy, maxRetryAfterMs: 2000 }, 1, 3000)).toBe(2000);
  });
});

describe("parseRetryAfter", () => {
  it("reads seconds and HTTP dates", () => {
    expect(parseRetryAfter("2")).toBe(2000);
    expect(parseRetryAfter("0.5")).toBe(500);
    const now = Date.parse("2025-01-01T00:00:00Z");
    expect(parseRetryAfter("Wed, 01 Jan 2025 00:00:07 GMT", now)).toBe(7000);
    expect(parseRetryAfter("soon")).toBeUndefined();
    expect(parseRetryAfter(null)).toBeUndefined();
  });
});

describe("sleepUnlessAborted", () => {
  it("rejects with cancelled when aborted", async () => {
    const controller = new AbortController();
    const sleeping = sleepUnlessAborted(60_000, controller.signal);
    controller.abort();
    await expect(sleeping).rejects.toMatchObject({ code: "cancelled" });
  });
});
