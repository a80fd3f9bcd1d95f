import { describe, expect, it } from "vitest";
import { exitCodes } from "./exit-codes.js";
import { runExitCode } from "./run-exit-code.js";

describe("runExitCode", () => {
  it("maps each way a run ends to its exit code", () => {
    expect(runExitCode({ stopReason: "answer", answer: "Red." }).code).toBe(exitCodes.answer);
    expect(runExitCode({ stopReason: "no-action", answer: "Red." }).code).toBe(exitCodes.answer);
    expect(runExitCode({ stopReason: "budget-steps" }).code).toBe(exitCodes.noAnswer);
    expect(runExitCode({ stopReason: "no-action", answer: "  " }).code).toBe(exitCodes.noAnswer);
    expect(runExitCode({ stopReason: "cancelled" }).code).toBe(exitCodes.interrupted);
    expect(runExitCode({ stopReason: "cancelled" }, "SIGINT").code).toBe(exitCodes.interrupted);
    expect(runExitCode({ stopReason: "cancelled" }, "SIGTERM").code).toBe(exitCodes.terminated);
    for (const code of ["model-unreachable", "model-http", "model-timeout", "model-output"]) {
      expect(runExitCode({ stopReason: "error", error: { code, message: "m" } }).code).toBe(
        exitCodes.modelFailure,
      );
    }
    expect(runExitCode({ stopReason: "error", error: { code: "internal", message: "bug" } }).code).toBe(
      exitCodes.internal,
    );
  });

  it("gives a one-line reason for everything but an answer", () => {
    expect(runExitCode({ stopReason: "answer", answer: "Red." }).reason).toBeUndefined();
    const none = runExitCode({
      stopReason: "budget-steps",
      error: {
        code: "no-answer",
        message: "No answer was recorded: the final-answer turn held only actions.",
      },
    });
    expect(none.reason).toBe(
      "no answer (budget-steps): No answer was recorded: the final-answer turn held only actions.",
    );
    expect(none.reason).not.toContain("\n");
  });
});
