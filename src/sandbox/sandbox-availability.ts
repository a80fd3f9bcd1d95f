import { existsSync } from "node:fs";

export const debianPackages = [
  "bubblewrap",
  "python3",
  "python3-pil",
  "python3-numpy",
  "python3-matplotlib",
  "python3-opencv",
  "python3-scipy",
];

/** The line every "sandbox unavailable" message ends with. */
export const installHint = `Install the sandbox with: apt-get install -y ${debianPackages.join(" ")}`;

/**
 * Why the sandbox cannot run on this machine, or undefined when its binaries are there. Missing
 * Python packages are found when the driver starts (its import error names them).
 */
export function sandboxMissingReason(paths: { bwrapPath: string; pythonPath: string }): string | undefined {
  const missing: string[] = [];
  if (!existsSync(paths.bwrapPath)) missing.push(`bubblewrap (${paths.bwrapPath})`);
  if (!existsSync(paths.pythonPath)) missing.push(`Python (${paths.pythonPath})`);
  if (missing.length === 0) return undefined;
  return `The Python sandbox is not available: ${missing.join(" and ")} not found. ${installHint}`;
}
