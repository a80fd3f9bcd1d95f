import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/**
 * The list as it was when this was built, for an installed copy of Loupe that has no scripts/
 * folder. A test keeps it equal to scripts/debian-packages.txt.
 */
export const builtInDebianPackages = [
  "bubblewrap",
  "python3",
  "python3-pil",
  "python3-numpy",
  "python3-matplotlib",
  "python3-opencv",
  "python3-scipy",
  "fonts-dejavu-core",
  "postgresql",
  "chromium",
];

/** The one list of the sandbox's Debian packages, also read by scripts/ensure-system-packages.sh. */
export const debianPackageListPath = fileURLToPath(
  new URL("../../scripts/debian-packages.txt", import.meta.url),
);

/** Package names in the list's text: one a line, `#` comments and blank lines skipped. */
export function parseDebianPackageList(text: string): string[] {
  return text
    .split("\n")
    .map((line) => line.replace(/#.*/, "").trim())
    .filter((line) => line.length > 0);
}

function readDebianPackages(): string[] {
  // The same path from src/sandbox/ and dist/sandbox/ in a checkout.
  if (!existsSync(debianPackageListPath)) return builtInDebianPackages;
  const listed = parseDebianPackageList(readFileSync(debianPackageListPath, "utf8"));
  return listed.length > 0 ? listed : builtInDebianPackages;
}

export const debianPackages = readDebianPackages();

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
