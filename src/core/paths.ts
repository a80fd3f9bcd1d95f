import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { LoupeError } from "./errors.js";

/**
 * Where Loupe keeps what outlives a run (the local search index, the search cache, published
 * images): $LOUPE_HOME, or ~/.loupe. Tests point LOUPE_HOME at a temporary folder.
 */
export function loupeHome(environment: NodeJS.ProcessEnv = process.env): string {
  const home = environment.LOUPE_HOME || join(homedir(), ".loupe");
  assertOrdinaryPath(home, "LOUPE_HOME");
  return home;
}

/** The local index file: $LOUPE_INDEX, or index.sqlite in Loupe's home. */
export function defaultIndexPath(environment: NodeJS.ProcessEnv = process.env): string {
  if (environment.LOUPE_INDEX) {
    assertOrdinaryPath(environment.LOUPE_INDEX, "LOUPE_INDEX");
    return environment.LOUPE_INDEX;
  }
  return join(loupeHome(environment), "index.sqlite");
}

/**
 * Kernel file systems: their folders refuse new entries in ways that make `mkdir -p` misbehave
 * (Node's recursive mkdir loops forever under /proc), and nothing written there is kept.
 * /dev/shm is ordinary shared memory (a tmpfs), where files work as anywhere else.
 */
const kernelFilesystems = ["/proc", "/sys", "/dev"];
const ordinaryUnderKernel = ["/dev/shm"];

/** The kernel file system `path` lies under ("/proc"), or undefined for an ordinary path. */
export function kernelFilesystemOf(path: string): string | undefined {
  const absolute = resolve(path);
  const under = (root: string) => absolute === root || absolute.startsWith(`${root}/`);
  if (ordinaryUnderKernel.some(under)) return undefined;
  return kernelFilesystems.find(under);
}

/** Why Loupe cannot keep files at `path`, when it lies on a kernel file system. */
export function kernelFilesystemProblem(path: string): string | undefined {
  const root = kernelFilesystemOf(path);
  if (root === undefined) return undefined;
  return `${path} is under ${root}, a kernel file system where Loupe cannot keep files; choose a folder on disk`;
}

/** Refuses a path on a kernel file system, naming the setting (`what`) it came from. */
export function assertOrdinaryPath(path: string, what: string): void {
  const problem = kernelFilesystemProblem(path);
  if (problem) throw new LoupeError("config", `${what}: ${problem}.`);
}
