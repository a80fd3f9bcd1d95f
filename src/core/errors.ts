/**
 * Every error Loupe raises on purpose carries a stable `code`, so the CLI, the trajectory and
 * (later) the HTTP server can report it without parsing messages.
 */
export type LoupeErrorCode =
  | "config"
  | "model-unreachable"
  | "model-http"
  | "model-timeout"
  | "model-output"
  | "image-invalid"
  | "image-too-large"
  | "image-not-found"
  | "tool-input"
  | "tool-failed"
  | "tool-unknown"
  | "cancelled"
  | "trajectory-invalid"
  /** A run cannot be resumed as asked (no resume state, a decision for no waiting call, ...). */
  | "resume-refused"
  /** No run with that id in the store. */
  | "run-not-found"
  /** The run store cannot be opened, migrated, read or written. */
  | "store"
  /** Benchmark data that cannot be read as the benchmark's released format (eval loaders). */
  | "eval-data"
  /** A plan that cannot be parsed or fails validation (plan mode). */
  | "plan-invalid";

export class LoupeError extends Error {
  readonly code: LoupeErrorCode;
  /** A line that tells the user what to do about it, shown under the message by the CLI. */
  readonly hint?: string;

  constructor(code: LoupeErrorCode, message: string, options: { cause?: unknown; hint?: string } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "LoupeError";
    this.code = code;
    this.hint = options.hint;
  }
}

export function isLoupeError(error: unknown): error is LoupeError {
  return error instanceof LoupeError;
}

/** A short, human-readable description of anything thrown. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
