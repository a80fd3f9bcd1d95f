import type { Trajectory } from "../../core/trajectory.js";
import { type ExitCode, exitCodes } from "./exit-codes.js";

/** Error codes that mean the model server failed, not Loupe (a plan never fixed is the planner's output). */
const modelFailureCodes = new Set([
  "model-unreachable",
  "model-http",
  "model-timeout",
  "model-output",
  "plan-invalid",
]);

/** What stopped a run from outside: Ctrl-C (SIGINT) or SIGTERM (as `timeout` sends). */
export type StopSignal = "SIGINT" | "SIGTERM";

/**
 * The exit code of a finished `loupe ask`, and for anything but an answer the one line that says
 * why on stderr, so a script can tell an answer from a run that gave none.
 */
export function runExitCode(
  trajectory: Pick<Trajectory, "stopReason" | "answer" | "error" | "stopDescription">,
  stoppedBy?: StopSignal,
  /** The run folder, for the `loupe resume` line of a paused run. */
  folder = "DIR",
): { code: ExitCode; reason?: string } {
  const { code, reason } = exitFor(trajectory, stoppedBy, folder);
  return reason === undefined ? { code } : { code, reason: reason.replace(/\s*\n\s*/g, " ") };
}

function exitFor(
  trajectory: Pick<Trajectory, "stopReason" | "answer" | "error" | "stopDescription">,
  stoppedBy: StopSignal | undefined,
  folder: string,
): { code: ExitCode; reason?: string } {
  const { stopReason, error } = trajectory;
  if (stopReason === "paused") {
    const waiting = trajectory.stopDescription ?? "calls wait for approval";
    return {
      code: exitCodes.noAnswer,
      reason: `paused, ${waiting}: go on with \`loupe resume ${folder} --approve ID\` or \`--reject ID --reason TEXT\``,
    };
  }
  if (stopReason === "cancelled") {
    return stoppedBy === "SIGTERM"
      ? { code: exitCodes.terminated, reason: "terminated (SIGTERM); the partial trajectory was written" }
      : { code: exitCodes.interrupted, reason: "interrupted; the partial trajectory was written" };
  }
  if (stopReason === "error") {
    const message = error ? `${error.message} (${error.code})` : "the run failed";
    if (error && modelFailureCodes.has(error.code)) return { code: exitCodes.modelFailure, reason: message };
    return { code: exitCodes.internal, reason: message };
  }
  if (trajectory.answer !== undefined && trajectory.answer.trim() !== "") return { code: exitCodes.answer };
  const why = error?.message ?? `the run ended (${stopReason}) without an answer.`;
  return { code: exitCodes.noAnswer, reason: `no answer (${stopReason}): ${why}` };
}
