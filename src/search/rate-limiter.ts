import { LoupeError } from "../core/errors.js";
import type { SearchBackend } from "./backend.js";
import { wrapBackend } from "./wrap-backend.js";

/**
 * Spaces a backend's requests at least 1/requestsPerSecond apart. Callers reserve a slot and
 * wait for it, so concurrent calls queue in order instead of bursting past the provider's limit.
 */
export class RateLimiter {
  readonly #intervalMs: number;
  readonly #now: () => number;
  #nextFreeAt = Number.NEGATIVE_INFINITY;

  constructor(requestsPerSecond: number, now: () => number = Date.now) {
    this.#intervalMs = 1000 / requestsPerSecond;
    this.#now = now;
  }

  /** Claims the next free slot and returns how long to wait for it (0 when it is free now). */
  reserve(): number {
    const now = this.#now();
    const slot = Math.max(now, this.#nextFreeAt);
    this.#nextFreeAt = slot + this.#intervalMs;
    return slot - now;
  }

  async acquire(signal?: AbortSignal): Promise<void> {
    const waitMs = this.reserve();
    if (waitMs > 0) await sleep(waitMs, signal);
  }
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new LoupeError("cancelled", "The search was cancelled."));
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new LoupeError("cancelled", "The search was cancelled."));
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

export function withRateLimit(backend: SearchBackend, limiter: RateLimiter): SearchBackend {
  return wrapBackend(backend, async (call, run) => {
    await limiter.acquire(call.signal);
    return run();
  });
}
