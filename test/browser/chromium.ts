import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { type Browser, chromium } from "playwright-core";

/** Debian's chromium (scripts/debian-packages.txt installs it). */
export const CHROMIUM_PATH = "/usr/bin/chromium";

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

/**
 * Whether the browser tests run here: without chromium they skip with a message, except under CI
 * (process.env.CI), where a missing browser is a failure, not a silent skip.
 */
export function browserAvailable(): boolean {
  if (existsSync(CHROMIUM_PATH)) return true;
  if (process.env.CI)
    throw new Error(
      `${CHROMIUM_PATH} is missing: the browser tests need Debian's chromium (apt-get install chromium).`,
    );
  console.warn(`browser tests skipped: ${CHROMIUM_PATH} is absent (apt-get install chromium to run them)`);
  return false;
}

/**
 * Chromium headless through playwright-core, with everything that would reach for the network
 * turned off (the test machines have none, and chromium stalls on connections otherwise), in a
 * fresh profile (playwright's launch gives chromium a new empty --user-data-dir of its own).
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/**
 * The built viewer (dist/web), built now when it is missing or older than a file of web/. Test
 * files in other workers may ask at the same time: one builds (holding a lock folder), the
 * others wait for it, so none reads dist/web while Vite empties it.
 */
export function ensureViewerBuilt(): void {
  const index = join(projectRoot, "dist/web/index.html");
  const fresh = () => existsSync(index) && newestSource(join(projectRoot, "web")) <= statSync(index).mtimeMs;
  if (fresh()) return;
  const lock = join(projectRoot, "dist/.viewer-build-lock");
  mkdirSync(dirname(lock), { recursive: true });
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (Date.now() > deadline)
        throw new Error(`${lock} is still held after 2 minutes: remove it if no build runs.`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
    }
  }
  try {
    if (fresh()) return;
    execFileSync(
      process.execPath,
      [join(projectRoot, "node_modules/vite/bin/vite.js"), "build", "--config", "web/vite.config.ts"],
      {
        cwd: projectRoot,
        // vitest sets NODE_ENV=test, which would bundle React's development build.
        env: { ...process.env, NODE_ENV: "production" },
        stdio: "ignore",
      },
    );
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** Where this test process writes screenshots: a temporary folder, printed once. */
let artifacts: string | undefined;
export function artifactFolder(): string {
  if (!artifacts) {
    artifacts = mkdtempSync(join(tmpdir(), "loupe-viewer-screens-"));
    console.log(`viewer screenshots: ${artifacts}`);
  }
  return artifacts;
}

function newestSource(directory: string): number {
  let newest = 0;
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}
