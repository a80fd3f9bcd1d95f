import { describeError, isLoupeError, type LoupeErrorCode } from "../../core/errors.js";
import { type ExitCode, exitCodes } from "./exit-codes.js";

/** What `loupe` prints and exits with when a command throws. */
export interface Failure {
  message: string;
  hint?: string | undefined;
  exitCode: ExitCode;
}

/** The exit code of each kind of LoupeError; the user's own input is `config`, whatever part read it. */
const exitCodeByErrorCode: Partial<Record<LoupeErrorCode, ExitCode>> = {
  config: exitCodes.config,
  "image-invalid": exitCodes.config,
  "image-too-large": exitCodes.config,
  "image-not-found": exitCodes.config,
  "trajectory-invalid": exitCodes.config,
  "resume-refused": exitCodes.config,
  // A benchmark file that cannot be read as its format, or a download that failed its checksum.
  "eval-data": exitCodes.config,
  // At the top level only a command's own input is left to be wrong (`loupe index add` of a
  // missing path): inside a run the agent turns tool errors into observations.
  "tool-input": exitCodes.config,
  "model-unreachable": exitCodes.modelFailure,
  "model-http": exitCodes.modelFailure,
  "model-timeout": exitCodes.modelFailure,
  "model-output": exitCodes.modelFailure,
  cancelled: exitCodes.interrupted,
  // A run id the store does not hold, or a store that cannot be opened: the --store setting or the id given.
  "run-not-found": exitCodes.config,
  store: exitCodes.config,
};

/**
 * Turns anything a command threw into one line (and the error's hint). LoupeErrors say what is
 * wrong already; a file system error that escaped its part still names the file and the reason
 * (a full disk is not a bug); anything else is a bug in Loupe, said so in one line (LOUPE_DEBUG=1
 * adds the stack trace).
 */
export function describeFailure(error: unknown): Failure {
  if (isLoupeError(error)) {
    return {
      message: error.message,
      hint: error.hint,
      exitCode: exitCodeByErrorCode[error.code] ?? exitCodes.internal,
    };
  }
  const systemError = error as NodeJS.ErrnoException;
  if (
    error instanceof Error &&
    typeof systemError.code === "string" &&
    typeof systemError.syscall === "string"
  ) {
    const target = systemError.path ? ` ${systemError.path}` : "";
    return {
      message: `cannot ${systemError.syscall}${target}: ${systemError.code} (${error.message.replace(/^\w+: /, "").replace(/, \w+ .*$/, "")}).`,
      exitCode: exitCodes.config,
    };
  }
  return {
    message: `internal error (a bug in Loupe): ${firstLine(describeError(error))}`,
    hint: "Run again with LOUPE_DEBUG=1 to see where it happened, and report it.",
    exitCode: exitCodes.internal,
  };
}

function firstLine(text: string): string {
  const line = text.split("\n").find((candidate) => candidate.trim() !== "") ?? text;
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}
