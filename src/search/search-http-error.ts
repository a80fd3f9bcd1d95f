import { LoupeError } from "../core/errors.js";

/**
 * A provider answered with an HTTP error, or could not be reached. Carries what the retry and
 * fallback layers decide on: the status and the provider's Retry-After, when it sent one.
 */
export class SearchHttpError extends LoupeError {
  readonly provider: string;
  /** Undefined when no response came back (connection refused, timeout). */
  readonly status: number | undefined;
  readonly retryAfterMs: number | undefined;

  constructor(
    provider: string,
    status: number | undefined,
    detail: string,
    options: { retryAfterMs?: number; cause?: unknown; hint?: string } = {},
  ) {
    const what = status === undefined ? "unreachable" : `HTTP ${status}`;
    super("tool-failed", `${provider} ${what}: ${detail}`, { cause: options.cause, hint: options.hint });
    this.provider = provider;
    this.status = status;
    this.retryAfterMs = options.retryAfterMs;
  }

  /** Rate limits, server errors and lost connections may pass; bad keys and bad requests will not. */
  get retryable(): boolean {
    return this.status === undefined || this.status === 429 || this.status >= 500;
  }
}

/** Retry-After is either delay-seconds or an HTTP date (RFC 9110 section 10.2.3). */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}
