import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "vitest";
import { exitCodes } from "../../src/apps/cli/exit-codes.js";
import { type CliResult, runCli } from "../support/run-cli.js";

export interface TimedCliResult extends CliResult {
  elapsedMs: number;
  peakMemoryBytes: number;
}

/** Runs `loupe` with `args`, timing it and recording the child's peak resident memory. */
export async function runTimedCli(
  args: string[],
  options: { env?: Record<string, string>; timeoutMs?: number } = {},
): Promise<TimedCliResult> {
  const peakMemoryFile = join(await mkdtemp(join(tmpdir(), "loupe-hostile-")), "peak-memory");
  const started = performance.now();
  const result = await runCli(args, { ...options, peakMemoryFile });
  const elapsedMs = performance.now() - started;
  const peakMemoryBytes = Number(await readFile(peakMemoryFile, "utf8").catch(() => "0"));
  return { ...result, elapsedMs, peakMemoryBytes };
}

/**
 * What every refused input must look like: the config exit code, one line on stderr that matches
 * `line` (it names the key, the flag or the file), no stack trace, within `withinMs`, and under
 * 1 GB of memory.
 */
export function expectRefusal(result: TimedCliResult, line: RegExp, withinMs: number): void {
  const lines = result.stderr.trimEnd().split("\n");
  expect(result.stderr, "no stack trace").not.toContain("    at ");
  expect(lines, result.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(line);
  expect(result.code, result.stderr).toBe(exitCodes.config);
  expect(result.elapsedMs).toBeLessThan(withinMs);
  expect(result.peakMemoryBytes).toBeLessThan(1024 ** 3);
}
