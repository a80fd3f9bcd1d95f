import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, statSync } from "node:fs";
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

/** The built viewer (dist/web), built now when it is missing or older than a file of web/. */
export function ensureViewerBuilt(): void {
  const index = join(projectRoot, "dist/web/index.html");
  if (existsSync(index) && newestSource(join(projectRoot, "web")) <= statSync(index).mtimeMs) return;
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
