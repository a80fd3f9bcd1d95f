import { readdir, readFile } from "node:fs/promises";

/**
 * The session-wide memory bound. RLIMIT_AS limits one process, and every fork gets its own, so
 * three children could each hold a limit's worth; cgroups would bound the total but are not
 * available to an unprivileged host (no delegated cgroup v2 subtree; see decision 0801). So the
 * host polls the session's process tree from /proc and reports the sum of the processes'
 * proportional set sizes (PSS: a page shared by n processes counts 1/n in each, so a fork's
 * copy-on-write pages count once), and the session kills the whole sandbox past the limit.
 *
 * Between two polls a process can still allocate: at 100 ms and a few GB/s of page faults the
 * overshoot is a few hundred MB, which each process's RLIMIT_AS caps as well.
 */
export class SessionMemoryWatch {
  readonly #root: number;
  readonly #limitBytes: number;
  readonly #onOver: (usedBytes: number) => void;
  readonly #timer: NodeJS.Timeout;
  #polling = false;
  #stopped = false;

  constructor(options: {
    /** The sandbox's outermost process (bwrap, in the host's pid namespace). */
    rootPid: number;
    limitBytes: number;
    onOver: (usedBytes: number) => void;
    intervalMs?: number;
  }) {
    this.#root = options.rootPid;
    this.#limitBytes = options.limitBytes;
    this.#onOver = options.onOver;
    this.#timer = setInterval(() => void this.#poll(), options.intervalMs ?? 100);
    // The watch never keeps the host alive: the session's own handles decide that.
    this.#timer.unref();
  }

  stop(): void {
    this.#stopped = true;
    clearInterval(this.#timer);
  }

  async #poll(): Promise<void> {
    if (this.#polling || this.#stopped) return;
    this.#polling = true;
    try {
      const used = await treeMemoryBytes(this.#root);
      if (!this.#stopped && used > this.#limitBytes) {
        this.stop();
        this.#onOver(used);
      }
    } finally {
      this.#polling = false;
    }
  }
}

/** The summed PSS of `root` and all its descendants; processes that end meanwhile count 0. */
export async function treeMemoryBytes(root: number): Promise<number> {
  const sizes = await Promise.all((await processTree(root)).map(processMemoryBytes));
  return sizes.reduce((sum, size) => sum + size, 0);
}

/** `root` and its descendants, from each thread's /proc/PID/task/TID/children list. */
export async function processTree(root: number): Promise<number[]> {
  const found: number[] = [];
  const pending = [root];
  while (pending.length > 0) {
    const pid = pending.pop() as number;
    found.push(pid);
    pending.push(...(await childrenOf(pid)));
  }
  return found;
}

async function childrenOf(pid: number): Promise<number[]> {
  let threads: string[];
  try {
    threads = await readdir(`/proc/${pid}/task`);
  } catch {
    return []; // already gone
  }
  const lists = await Promise.all(
    threads.map((thread) => readFile(`/proc/${pid}/task/${thread}/children`, "utf8").catch(() => "")),
  );
  return lists.flatMap((list) => list.split(" ").filter(Boolean).map(Number));
}

/** One process's PSS (smaps_rollup), or its resident set (statm) on kernels without rollup. */
async function processMemoryBytes(pid: number): Promise<number> {
  try {
    const rollup = await readFile(`/proc/${pid}/smaps_rollup`, "utf8");
    const pss = /^Pss:\s+(\d+) kB/m.exec(rollup);
    if (pss) return Number(pss[1]) * 1024;
  } catch {
    // no rollup, or the process is gone: try statm
  }
  try {
    const statm = await readFile(`/proc/${pid}/statm`, "utf8");
    return Number(statm.split(" ")[1]) * 4096;
  } catch {
    return 0;
  }
}
