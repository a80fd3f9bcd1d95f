import { LoupeError } from "../core/errors.js";

/** The error of `load` for a run the store at `where` does not hold. */
export function runNotFound(runId: string, where: string): LoupeError {
  return new LoupeError("run-not-found", `No run ${runId} in the run store ${where}.`, {
    hint: "`loupe runs list` shows the runs it holds",
  });
}
