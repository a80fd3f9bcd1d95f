import { readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Anything that holds sandbox processes and a work folder. */
interface Disposable {
  dispose(): void;
}

/**
 * Sessions still alive in this process. When the host exits, even on an uncaught error, they are
 * killed and their folders removed. (If the host is killed outright, bwrap's --die-with-parent
 * ends the sandboxes and removeStaleWorkDirs cleans the folders on the next start.)
 */
const liveSessions = new Set<Disposable>();
let exitHandlerInstalled = false;

export function trackSession(session: Disposable): void {
  liveSessions.add(session);
  if (!exitHandlerInstalled) {
    exitHandlerInstalled = true;
    process.on("exit", () => {
      for (const live of [...liveSessions]) live.dispose();
    });
  }
}

export function untrackSession(session: Disposable): void {
  liveSessions.delete(session);
}

/** Removes work folders left by host processes that no longer exist. */
export function removeStaleWorkDirs(prefix: string): void {
  let names: string[];
  try {
    names = readdirSync(tmpdir());
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(name.slice(prefix.length).split("-")[0]);
    if (!Number.isInteger(pid) || pid === process.pid || processExists(pid)) continue;
    rmSync(join(tmpdir(), name), { recursive: true, force: true });
  }
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
