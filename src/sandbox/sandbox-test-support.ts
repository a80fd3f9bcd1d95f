import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { installHint } from "./sandbox-availability.js";

/**
 * Whether the real sandbox can run here (bubblewrap and Debian's python3 with PIL, numpy and
 * matplotlib), so tests that need it can skip with a message instead of failing.
 */
export const sandboxPythonPath = "/usr/bin/python3";
export const sandboxBwrapPath = "/usr/bin/bwrap";

function probe(): string | undefined {
  if (!existsSync(sandboxBwrapPath)) return `${sandboxBwrapPath} not found`;
  const check = spawnSync(sandboxPythonPath, ["-c", "import PIL, numpy, matplotlib"], { encoding: "utf8" });
  if (check.status !== 0) return `${sandboxPythonPath} with PIL, numpy and matplotlib not usable`;
  const sandboxed = spawnSync(
    sandboxBwrapPath,
    ["--ro-bind", "/", "/", "--unshare-all", "--die-with-parent", sandboxPythonPath, "-c", "print(1)"],
    { encoding: "utf8" },
  );
  if (sandboxed.status !== 0) return `bwrap cannot create a sandbox here: ${sandboxed.stderr.trim()}`;
  return undefined;
}

export const sandboxMissing = probe();
export const hasSandbox = sandboxMissing === undefined;
if (sandboxMissing) {
  console.warn(`Python sandbox tests skipped: ${sandboxMissing}. ${installHint}`);
}
