/** Anything that holds sandbox processes. */
interface Disposable {
  dispose(): void;
}

/**
 * Sessions still alive in this process. When the host exits, even on an uncaught error, they are
 * killed. (If the host is killed outright, bwrap's --die-with-parent ends the sandboxes; their
 * work folders are tmpfs mounts that vanish with them, so nothing is left on disk.)
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
