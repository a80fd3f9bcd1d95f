import { readdirSync, readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { describe, expect, it } from "vitest";
import { defaultMaxSessions, SandboxPool } from "./sandbox-pool.js";
import type { SandboxSession } from "./sandbox-session.js";
import { sandboxMissing, sandboxPythonPath } from "./sandbox-test-support.js";

/** Live (not zombie) child processes of this process: the sandboxes' bwrap leaders. */
function liveChildren(): number[] {
  const children: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const [state, parent] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(parent) === process.pid && state !== "Z") children.push(Number(entry));
    } catch {
      // gone while we looked
    }
  }
  return children;
}

async function childrenAfterSettling(): Promise<number[]> {
  for (let waited = 0; waited < 3000 && liveChildren().length > 0; waited += 50)
    await new Promise((resolve) => setTimeout(resolve, 50));
  return liveChildren();
}

describe("defaultMaxSessions", () => {
  it("lets many more runs than cores hold a session, bounded by memory", () => {
    expect(defaultMaxSessions(2, 24 * 1024 ** 3)).toBe(16);
    expect(defaultMaxSessions(32, 512 * 1024 ** 3)).toBe(128);
    expect(defaultMaxSessions(8, 2 * 1024 ** 3)).toBe(8);
    expect(defaultMaxSessions(1, 512 * 1024 ** 2)).toBe(4);
  });
});

describe.skipIf(sandboxMissing !== undefined)("SandboxPool", () => {
  it("starts a spare per run starting (up to one per core), killed still starting on close", async () => {
    const pool = new SandboxPool({ pythonPath: sandboxPythonPath, warmSessions: 1 });
    expect(liveChildren()).toEqual([]);
    pool.prewarm();
    expect(liveChildren().length).toBe(1);
    pool.prewarm();
    pool.prewarm();
    expect(liveChildren().length).toBe(Math.max(1, Math.min(3, availableParallelism())));
    // close() aborts the start (imports of numpy, PIL and matplotlib) instead of awaiting it.
    await pool.close();
    expect(await childrenAfterSettling()).toEqual([]);
  });

  it("gives five runs a session at once (the old limit on two cores was four)", {
    timeout: 60_000,
  }, async () => {
    const pool = new SandboxPool({ pythonPath: sandboxPythonPath, warmSessions: 0 });
    const sessions: SandboxSession[] = [];
    try {
      const signal = AbortSignal.timeout(45_000);
      sessions.push(...(await Promise.all(Array.from({ length: 5 }, () => pool.acquire(signal)))));
      expect(pool.sessionsInUse).toBe(5);
    } finally {
      for (const session of sessions) pool.release(session);
      await pool.close();
    }
    expect(await childrenAfterSettling()).toEqual([]);
  });
});
