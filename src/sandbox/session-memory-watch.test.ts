import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { processTree, SessionMemoryWatch, treeMemoryBytes } from "./session-memory-watch.js";

describe("session memory watch", () => {
  it("finds a process's descendants and sums their memory", async () => {
    // A shell whose child (sleep) is a grandchild of this process.
    const shell = spawn("sh", ["-c", "sleep 5 & wait"], { stdio: "ignore" });
    try {
      let tree: number[] = [];
      for (let attempt = 0; attempt < 50 && tree.length < 3; attempt++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        tree = await processTree(process.pid);
      }
      expect(tree).toContain(shell.pid);
      expect(tree.length).toBeGreaterThanOrEqual(3);
      expect(await treeMemoryBytes(process.pid)).toBeGreaterThan(10 * 1024 ** 2);
    } finally {
      shell.kill("SIGKILL");
    }
  });

  it("reports once when the tree passes its limit", async () => {
    const reports: number[] = [];
    const watch = new SessionMemoryWatch({
      rootPid: process.pid,
      limitBytes: 1024 ** 2,
      intervalMs: 10,
      onOver: (used) => reports.push(used),
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    watch.stop();
    expect(reports).toHaveLength(1);
    expect(reports[0]).toBeGreaterThan(1024 ** 2);
  });
});
