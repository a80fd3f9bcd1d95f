import type { SearchBackend } from "./backend.js";
import { sleep } from "./rate-limiter.js";
import { SearchHttpError } from "./search-http-error.js";
import type { BackendCall } from "./wrap-backend.js";
import { wrapBackend } from "./wrap-backend.js";

export interface RetryPolicy {
  maxRetries: number;
  /** First backoff delay; doubled each attempt, with jitter. */
  baseDelayMs?: number;
  /** A Retry-After longer than this gives up instead, so the next backend is tried. */
  maxDelayMs?: number;
  onRetry?: (event: { call: BackendCall; attempt: number; delayMs: number; error: SearchHttpError }) => void;
}

/** Delay before retry number `attempt` (1-based): the provider's Retry-After, else exponential backoff. */
export function retryDelayMs(
  error: SearchHttpError,
  attempt: number,
  policy: RetryPolicy,
): number | undefined {
  const maxDelayMs = policy.maxDelayMs ?? 30_000;
  if (error.retryAfterMs !== undefined)
    return error.retryAfterMs <= maxDelayMs ? error.retryAfterMs : undefined;
  const base = (policy.baseDelayMs ?? 500) * 2 ** (attempt - 1);
  // Half fixed, half random: spreads out workers that failed together.
  return Math.min(maxDelayMs, base / 2 + Math.random() * (base / 2));
}

/** Retries 429, 5xx and lost connections with backoff; other errors pass straight through. */
export function withRetries(backend: SearchBackend, policy: RetryPolicy): SearchBackend {
  return wrapBackend(backend, async (call, run) => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await run();
      } catch (error) {
        if (!(error instanceof SearchHttpError) || !error.retryable || attempt > policy.maxRetries)
          throw error;
        const delayMs = retryDelayMs(error, attempt, policy);
        if (delayMs === undefined) throw error;
        policy.onRetry?.({ call, attempt, delayMs, error });
        await sleep(delayMs, call.signal);
      }
    }
  });
}
