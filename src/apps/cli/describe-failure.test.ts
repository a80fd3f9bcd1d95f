import { mkdir } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { LoupeError } from "../../core/errors.js";
import { describeFailure } from "./describe-failure.js";
import { exitCodes } from "./exit-codes.js";

describe("describeFailure", () => {
  it("gives the user's mistakes the config exit code, whichever part found them", () => {
    expect(describeFailure(new LoupeError("config", "bad key"))).toEqual({
      message: "bad key",
      hint: undefined,
      exitCode: exitCodes.config,
    });
    expect(describeFailure(new LoupeError("image-invalid", "x")).exitCode).toBe(exitCodes.config);
    expect(describeFailure(new LoupeError("model-unreachable", "x")).exitCode).toBe(exitCodes.modelFailure);
    expect(describeFailure(new LoupeError("tool-failed", "x")).exitCode).toBe(exitCodes.internal);
  });

  it("names the file and the reason of a file system error, in one line", async () => {
    const error = await mkdir("/proc/self/loupe").catch((thrown) => thrown);
    const failure = describeFailure(error);
    expect(failure.message).toBe("cannot mkdir /proc/self/loupe: ENOENT (no such file or directory).");
    expect(failure.exitCode).toBe(exitCodes.config);
  });

  it("calls anything else a bug, in one line without the stack", () => {
    const failure = describeFailure(new TypeError("x is undefined\n    at somewhere (file.ts:1:1)"));
    expect(failure.message).toBe("internal error (a bug in Loupe): x is undefined");
    expect(failure.hint).toMatch(/LOUPE_DEBUG=1/);
    expect(failure.exitCode).toBe(exitCodes.internal);
  });
});
