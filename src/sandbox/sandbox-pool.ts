import { existsSync, readFileSync } from "node:fs";
import { availableParallelism, totalmem } from "node:os";
import { fileURLToPath } from "node:url";
import { LoupeError } from "../core/errors.js";
import { Semaphore } from "../core/semaphore.js";
import { FontListCache } from "./font-list-cache.js";
import { installHint, sandboxMissingReason } from "./sandbox-availability.js";
import { resolveSandboxLimits, type SandboxLimits } from "./sandbox-limits.js";
import { type ExecuteOutcome, SandboxSession, type SessionImage } from "./sandbox-session.js";

export interface SandboxPoolOptions {
  /** Debian's python3 with PIL, numpy and matplotlib; not a pyenv or venv shim. */
  pythonPath?: string;
  bwrapPath?: string;
  limits?: Partial<SandboxLimits>;
  /** Sessions started ahead of need, with their libraries already imported. */
  warmSessions?: number;
  /** Sessions alive at once across all runs; a run asking for one more waits (defaultMaxSessions). */
  maxSessions?: number;
  /** Calls executing at once across all sessions (CPU-bound work shares the cores). */
  maxConcurrentCalls?: number;
  /**
   * Where the matplotlib font list a session built is kept for later processes
   * (sandbox/font-list-cache.ts); false keeps it in this pool only. Default: in $LOUPE_HOME/cache.
   */
  fontListCache?: string | false;
}

/**
 * Hands out sandbox sessions to runs. Keeps `warmSessions` started and idle so a new run gets a
 * ready kernel at once, bounds how many sessions live and how many calls run at the same time,
 * and kills everything on close or host exit.
 */
export class SandboxPool {
  readonly pythonPath: string;
  readonly bwrapPath: string;
  readonly limits: SandboxLimits;
  readonly #driverSource: Buffer;
  readonly #warmTarget: number;
  /** Most spares prewarm() keeps at once: their starts are CPU-bound, so about one per core. */
  readonly #maxSpares: number;
  readonly #sessions: Semaphore;
  readonly #calls: Semaphore;
  /** Spares, started or starting; `stop` kills one still starting when the pool closes. */
  readonly #warm: { session: Promise<SandboxSession | undefined>; stop: AbortController }[] = [];
  readonly #fontLists: FontListCache;
  /** Sessions handed out by acquire() and not yet released. */
  #inUse = 0;
  #closed = false;

  constructor(options: SandboxPoolOptions = {}) {
    this.pythonPath = options.pythonPath ?? "/usr/bin/python3";
    this.bwrapPath = options.bwrapPath ?? "/usr/bin/bwrap";
    this.limits = resolveSandboxLimits(options.limits);
    this.#driverSource = readFileSync(locateDriver());
    this.#warmTarget = options.warmSessions ?? 1;
    this.#maxSpares = Math.max(this.#warmTarget, availableParallelism());
    this.#sessions = new Semaphore(options.maxSessions ?? defaultMaxSessions());
    this.#calls = new Semaphore(options.maxConcurrentCalls ?? availableParallelism());
    this.#fontLists = new FontListCache(this.pythonPath, options.fontListCache);
  }

  /** Undefined when the sandbox can run here; otherwise what is missing and how to install it. */
  unavailableReason(): string | undefined {
    return sandboxMissingReason(this);
  }

  /**
   * Starts a warm session now, in the background, instead of on first use: a run that has Python
   * calls this when it starts, so its first call finds a session ready. Each call adds a spare
   * (beyond `warmSessions`, up to one per core), so runs starting together each get one. Nothing here keeps
   * the host alive, and close() kills a spare still starting, so a run that never calls Python
   * neither waits for it nor leaves it behind. Does nothing where the sandbox cannot run.
   */
  prewarm(): void {
    if (this.unavailableReason() !== undefined) return;
    this.#refill(Math.min(this.#maxSpares, Math.max(this.#warmTarget, this.#warm.length + 1)));
  }

  /** A ready session for one run. Give it back with release(). */
  async acquire(signal?: AbortSignal): Promise<SandboxSession> {
    if (this.#closed) throw new LoupeError("tool-failed", "The Python sandbox pool is closed.");
    const missing = this.unavailableReason();
    if (missing) throw new LoupeError("tool-failed", missing, { hint: installHint });
    await this.#sessions.acquire(signal);
    try {
      while (this.#warm.length > 0) {
        const warm = await holdingProcess(this.#warm.shift()?.session);
        if (warm?.alive) {
          this.#refill();
          this.#inUse++;
          return warm;
        }
      }
      const session = await this.#start();
      this.#refill();
      this.#inUse++;
      return session;
    } catch (error) {
      this.#sessions.release();
      throw error;
    }
  }

  /** Ends a run's session: kills its processes (its work folder, a tmpfs, goes with them). */
  release(session: SandboxSession): void {
    session.dispose();
    this.#inUse--;
    this.#sessions.release();
  }

  /** Sessions runs hold now (acquired, not yet released); warm spares are not counted. */
  get sessionsInUse(): number {
    return this.#inUse;
  }

  /** Runs one call in a session, waiting for a free slot when many calls run at once. */
  execute(
    session: SandboxSession,
    code: string,
    images: readonly SessionImage[],
    signal?: AbortSignal,
  ): Promise<ExecuteOutcome> {
    return this.#calls.run(() => session.execute(code, images, signal), signal);
  }

  /**
   * Kills the warm sessions, those still starting included (a run that never used Python does
   * not wait for its spare to finish importing); sessions held by runs end when their runs
   * release them.
   */
  async close(): Promise<void> {
    this.#closed = true;
    const spares = this.#warm.splice(0);
    for (const spare of spares) spare.stop.abort();
    for (const session of await Promise.all(spares.map((spare) => spare.session))) session?.dispose();
  }

  async #start(holdsProcess = true, signal?: AbortSignal): Promise<SandboxSession> {
    const session = await SandboxSession.start({
      bwrapPath: this.bwrapPath,
      pythonPath: this.pythonPath,
      driverSource: this.#driverSource,
      limits: this.limits,
      holdsProcess,
      signal,
      fontList: this.#fontLists.get(),
    });
    if (session.builtFontList) this.#fontLists.set(session.builtFontList);
    return session;
  }

  #refill(target = this.#warmTarget): void {
    while (!this.#closed && this.#warm.length < target) {
      // A warm start that fails is dropped; the next acquire starts cold and reports the error.
      // Spares hold no handle that keeps the host alive: a finished CLI run exits at once.
      const stop = new AbortController();
      this.#warm.push({ session: this.#start(false, stop.signal).catch(() => undefined), stop });
    }
  }
}

/**
 * Sessions a pool lets live at once by default. A session is held by its run from the run's first
 * Python call to its end, so this bounds concurrent runs that use Python, not CPU (calls are
 * bounded by maxConcurrentCalls): an idle session holds about 60 MB (Python with numpy, PIL and
 * matplotlib imported). At least 16 and 4 per core, and at most one per 256 MiB of the host's
 * memory.
 */
export function defaultMaxSessions(cores = availableParallelism(), memoryBytes = totalmem()): number {
  const byMemory = Math.max(4, Math.floor(memoryBytes / (256 * 1024 ** 2)));
  return Math.min(byMemory, Math.max(16, cores * 4));
}

/**
 * Awaits a warm spare's start while keeping the host alive: its own handles are unreferenced,
 * and a run waiting for it must not see the process exit underneath.
 */
async function holdingProcess<T>(promise: Promise<T> | undefined): Promise<T | undefined> {
  const hold = setInterval(() => {}, 60_000);
  try {
    return await promise;
  } finally {
    clearInterval(hold);
  }
}

/** driver.py ships beside this file in src/; a build to dist/ may not copy it, so look in src/ too. */
function locateDriver(): string {
  const candidates = [
    fileURLToPath(new URL("./driver.py", import.meta.url)),
    fileURLToPath(new URL("../../src/sandbox/driver.py", import.meta.url)),
  ];
  const found = candidates.find((candidate) => existsSync(candidate));
  if (!found)
    throw new LoupeError(
      "tool-failed",
      `The sandbox driver is missing (looked at ${candidates.join(", ")}).`,
    );
  return found;
}
