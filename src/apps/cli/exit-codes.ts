/**
 * What `loupe` exits with, so scripts can tell an answer from everything else. The README's
 * "Exit codes" table lists the same values; keep the two in step.
 */
export const exitCodes = {
  /** The run gave an answer (printed on stdout). */
  answer: 0,
  /** An internal error: a bug in Loupe. */
  internal: 1,
  /** The configuration, a flag or an input file is wrong; the message names it. */
  config: 2,
  /** The run ended without an answer (a budget ran out and the final turn gave none, an empty reply). */
  noAnswer: 3,
  /** The model server failed (unreachable, refused the request, replied with something unreadable). */
  modelFailure: 4,
  /** Interrupted by Ctrl-C (SIGINT); the partial trajectory was written. */
  interrupted: 130,
  /** Stopped by SIGTERM (as `timeout` sends); the partial trajectory was written. */
  terminated: 143,
} as const;

export type ExitCode = (typeof exitCodes)[keyof typeof exitCodes];
