import { accessSync, constants, mkdirSync, realpathSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { describeError, LoupeError } from "./errors.js";
import { kernelFilesystemProblem } from "./paths.js";

/**
 * `mkdir -p` that always ends, and says what is wrong in a line that names the folder. Node's
 * own `mkdir(path, { recursive: true })` loops forever at full CPU where a directory answers
 * "no such file" to a new entry (anything under /proc): it creates the parent, which exists, and
 * tries the child again. Here each missing folder is created once, from the top down, so the
 * work is bounded by the number of path components.
 *
 * The one filesystem helper in core: every part that keeps files (store, the search cache, the
 * local index, the image host) creates its folders through it, so they all refuse the same paths
 * the same way.
 */
export function makeDirectory(path: string, purpose: string): void {
  for (const folder of missingFolders(path, purpose)) {
    try {
      mkdirSync(folder);
    } catch (error) {
      // Another process made it in the meantime: that is what we wanted.
      if ((error as NodeJS.ErrnoException).code === "EEXIST" && isDirectory(folder)) continue;
      throw cannotCreate(path, purpose, `cannot create ${folder}: ${errnoReason(error)}`, error);
    }
  }
}

/**
 * Checks that `path` is a folder or can be created as one, without creating anything, so a run
 * can refuse a bad output folder before it does any work. Returns the folders that are missing.
 */
export function assertDirectoryCreatable(path: string, purpose: string): string[] {
  return missingFolders(path, purpose);
}

function missingFolders(path: string, purpose: string): string[] {
  const refused = kernelFilesystemProblem(path);
  if (refused) throw cannotCreate(path, purpose, refused);
  const missing: string[] = [];
  let current = resolve(path);
  for (;;) {
    const info = statOrUndefined(current, path, purpose);
    if (info) {
      if (!info.isDirectory()) {
        const what = current === resolve(path) ? "it is" : `${current} is`;
        throw cannotCreate(path, purpose, `${what} a file, not a folder`);
      }
      break;
    }
    missing.unshift(current);
    const parent = dirname(current);
    if (parent === current) break;
    current = parent;
  }
  // A symbolic link can lead onto a kernel file system that the path's own text does not name.
  const real = realpathSync(current);
  const reached = kernelFilesystemProblem(real);
  if (reached) throw cannotCreate(path, purpose, `${current} leads to ${reached}`);
  if (missing.length > 0) {
    try {
      accessSync(current, constants.W_OK | constants.X_OK);
    } catch (error) {
      throw cannotCreate(path, purpose, `cannot create folders in ${current}: ${errnoReason(error)}`, error);
    }
  }
  return missing;
}

function statOrUndefined(folder: string, path: string, purpose: string) {
  try {
    return statSync(folder, { throwIfNoEntry: false });
  } catch (error) {
    // ENOTDIR: a file where a folder should be is reported by the walk above; anything else here
    // (EACCES on a parent, ELOOP) stops the walk with its own reason.
    if ((error as NodeJS.ErrnoException).code === "ENOTDIR") return undefined;
    throw cannotCreate(path, purpose, `cannot look at ${folder}: ${errnoReason(error)}`, error);
  }
}

function isDirectory(folder: string): boolean {
  return statSync(folder, { throwIfNoEntry: false })?.isDirectory() ?? false;
}

function cannotCreate(path: string, purpose: string, reason: string, cause?: unknown): LoupeError {
  return new LoupeError("config", `Cannot use ${path} as ${purpose}: ${reason}.`, { cause });
}

/** "permission denied (EACCES)" rather than Node's "EACCES: permission denied, mkdir '/x'". */
function errnoReason(error: unknown): string {
  const { code } = error as NodeJS.ErrnoException;
  const reason = errnoReasons[code ?? ""];
  return reason ? `${reason} (${code})` : describeError(error);
}

const errnoReasons: Record<string, string> = {
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  EROFS: "read-only file system",
  ENOSPC: "no space left on the device",
  EDQUOT: "disk quota exceeded",
  ENOENT: "the file system refuses new entries there",
  ELOOP: "too many symbolic links",
  ENAMETOOLONG: "the name is too long",
};
