import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const cliEntry = resolve(projectRoot, "src/apps/cli/main.ts");
const peakMemoryPreload = resolve(projectRoot, "test/support/peak-memory.mjs");

let scratchHome: string | undefined;

/**
 * The LOUPE_HOME children get unless a test passes its own: a temporary folder per test process,
 * so the run store, caches and index the CLI writes there never touch the user's ~/.loupe.
 */
export function testLoupeHome(): string {
  scratchHome ??= mkdtempSync(join(tmpdir(), "loupe-test-home-"));
  return scratchHome;
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the real `loupe` CLI from source in a child process (through tsx, so tests never use a
 * stale build). The environment is cleared of model settings unless the test passes them, and
 * LOUPE_HOME is a temporary folder (testLoupeHome) unless the test passes one.
 */
export function runCli(
  args: string[],
  options: {
    env?: Record<string, string>;
    cwd?: string;
    timeoutMs?: number;
    onStderr?: (text: string) => void;
    /** Write the child's peak resident memory (bytes) to this file when it exits. */
    peakMemoryFile?: string;
  } = {},
): Promise<CliResult> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !/^(LOUPE_|OPENAI_)/.test(key)) env[key] = value;
  }
  Object.assign(env, { NO_COLOR: "1", FORCE_COLOR: "0", LOUPE_HOME: testLoupeHome() }, options.env);
  const preload = options.peakMemoryFile ? ["--import", peakMemoryPreload] : [];
  if (options.peakMemoryFile) env.LOUPE_TEST_PEAK_MEMORY_FILE = options.peakMemoryFile;
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [...preload, "--import", "tsx", cliEntry, ...args], {
      cwd: options.cwd ?? projectRoot,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
      options.onStderr?.(chunk.toString());
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 60_000);
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ code, signal, stdout, stderr });
    });
  });
}

/** Starts the CLI and returns the child, for tests that interrupt it. */
export function spawnCli(args: string[], env: Record<string, string> = {}) {
  return spawn(process.execPath, ["--import", "tsx", cliEntry, ...args], {
    cwd: projectRoot,
    env: { ...process.env, NO_COLOR: "1", LOUPE_HOME: testLoupeHome(), ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
}
