import { LoupeError } from "../core/errors.js";

/**
 * When and how long to wait before trying a model request again. Exponential backoff with full
 * jitter spreads retries from many workers hitting one server; a server's Retry-After wins because
 * it knows its own queue.
 */
export interface RetryPolicy {
  /** How many times a failed request is tried again (0 = try once). */
  maxRetries: number;
  /** Delay scale of the first retry; doubles each attempt. */
  baseDelayMs: number;
  /** Upper bound for one backoff delay (Retry-After is capped separately). */
  maxDelayMs: number;
  /** Upper bound for honouring a server's Retry-After. */
  maxRetryAfterMs: number;
  /** Source of randomness for jitter, in [0, 1). */
  random: () => number;
}

export const defaultRetryPolicy: Omit<RetryPolicy, "maxRetries"> = {
  baseDelayMs: 500,
  maxDelayMs: 20_000,
  maxRetryAfterMs: 120_000,
  random: Math.random,
};

/**
 * Delay before retry number `attempt` (1 for the first retry). Without Retry-After: a random
 * delay between half and all of base * 2^(attempt-1), capped; the lower half bound keeps retries
 * from firing back to back.
 */
export function retryDelayMs(policy: RetryPolicy, attempt: number, retryAfterMs?: number): number {
  if (retryAfterMs !== undefined) return Math.min(Math.max(0, retryAfterMs), policy.maxRetryAfterMs);
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (ceiling / 2) * policy.random());
}

/** Retry-After is either delta seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(
  value: string | null | undefined,
  now: number = Date.now(),
): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/** Waits, but gives up at once with a "cancelled" error when the caller aborts. */
export function sleepUnlessAborted(delayMs: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(cancelledError(signal));
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(cancelledError(signal));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, delayMs);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

export function cancelledError(signal?: AbortSignal): LoupeError {
  return new LoupeError("cancelled", "The model request was cancelled.", { cause: signal?.reason });
}
