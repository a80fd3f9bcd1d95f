import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { LoupeError } from "../../core/errors.js";
import type { ParseJob, ParseReply, ParseRequest, ParseResults } from "./parse-job.js";
import type { ParseLimits } from "./parse-limits.js";

export interface ParseCall {
  limits: ParseLimits;
  /** The run's deadline or the user's Ctrl-C: the parse is stopped and the call rejects. */
  signal?: AbortSignal;
  /** What is being parsed, for error messages: "the page at https://…", "index file x.pdf". */
  subject: string;
}

export interface ParserPool {
  parse<Kind extends ParseJob["kind"]>(
    job: Extract<ParseJob, { kind: Kind }>,
    call: ParseCall,
  ): Promise<ParseResults[Kind]>;
  /** Stops every worker; parses in flight reject. */
  close(): Promise<void>;
}

export interface ParserPoolOptions {
  /** Parses at once; more wait their turn (two cores is the machine this was sized on). */
  maxWorkers?: number;
  /** An idle worker is kept this long for the next parse, then stopped. */
  idleMs?: number;
  /** How often the process's resident memory is checked while a parse runs. */
  memoryCheckMs?: number;
}

interface PooledWorker {
  worker: Worker;
  memoryMb: number;
  idleTimer?: NodeJS.Timeout;
}

interface Running {
  memoryMb: number;
  /** Resident memory when the parse began; growth past memoryMb stops it. */
  baselineRss: number;
  fail(error: LoupeError): void;
}

const workerUrl = new URL(
  `./parser-worker${import.meta.url.endsWith(".ts") ? ".ts" : ".js"}`,
  import.meta.url,
);

/**
 * Parses untrusted pages and PDFs in worker threads that can be stopped: each parse has a time
 * limit, stops when the call's signal fires, and is bounded in memory twice over — the worker's
 * V8 heap limit (resourceLimits) and a watch on the process's resident memory, because typed
 * arrays (pdf.js inflating a stream, say) live outside the heap that resourceLimits counts. A
 * stopped worker is replaced by a fresh one on the next parse; a worker that finished is reused.
 * Idle workers do not keep the process alive.
 */
export function createParserPool(options: ParserPoolOptions = {}): ParserPool {
  const maxWorkers = options.maxWorkers ?? 2;
  const idleMs = options.idleMs ?? 30_000;
  const memoryCheckMs = options.memoryCheckMs ?? 50;
  const idle: PooledWorker[] = [];
  const running = new Set<Running>();
  const waiting: (() => void)[] = [];
  let busy = 0;
  let nextId = 0;
  let memoryWatch: NodeJS.Timeout | undefined;

  function watchMemory(): void {
    if (memoryWatch || running.size === 0) return;
    memoryWatch = setInterval(() => {
      const rss = process.memoryUsage.rss();
      for (const parse of running) {
        if (rss - parse.baselineRss > parse.memoryMb * 1024 * 1024) parse.fail(memoryError(parse.memoryMb));
      }
      if (running.size === 0) {
        clearInterval(memoryWatch);
        memoryWatch = undefined;
      }
    }, memoryCheckMs);
  }

  async function slot(signal: AbortSignal | undefined): Promise<void> {
    if (busy < maxWorkers) {
      busy++;
      return;
    }
    await new Promise<void>((resolve, reject) => {
      const go = () => {
        signal?.removeEventListener("abort", quit);
        busy++;
        resolve();
      };
      const quit = () => {
        waiting.splice(waiting.indexOf(go), 1);
        reject(signal?.reason);
      };
      waiting.push(go);
      signal?.addEventListener("abort", quit, { once: true });
    });
  }

  function release(): void {
    busy--;
    waiting.shift()?.();
  }

  function takeWorker(memoryMb: number): Promise<PooledWorker> {
    const index = idle.findIndex((pooled) => pooled.memoryMb === memoryMb);
    if (index >= 0) {
      const [pooled] = idle.splice(index, 1) as [PooledWorker];
      clearTimeout(pooled.idleTimer);
      pooled.worker.ref();
      return Promise.resolve(pooled);
    }
    return startWorker(memoryMb).then((pooled) => {
      // A worker that dies while idle leaves the pool, so no parse is posted to it.
      pooled.worker.once("exit", () => {
        const at = idle.indexOf(pooled);
        if (at >= 0) idle.splice(at, 1);
        clearTimeout(pooled.idleTimer);
      });
      return pooled;
    });
  }

  function giveBack(pooled: PooledWorker): void {
    pooled.worker.unref();
    pooled.idleTimer = setTimeout(() => {
      const at = idle.indexOf(pooled);
      if (at >= 0) idle.splice(at, 1);
      void pooled.worker.terminate();
    }, idleMs);
    pooled.idleTimer.unref();
    idle.push(pooled);
  }

  async function parse<Kind extends ParseJob["kind"]>(
    job: Extract<ParseJob, { kind: Kind }>,
    call: ParseCall,
  ): Promise<ParseResults[Kind]> {
    const { limits, signal, subject } = call;
    if (signal?.aborted) throw cancelled(subject);
    try {
      await slot(signal);
    } catch {
      throw cancelled(subject);
    }
    let pooled: PooledWorker | undefined;
    try {
      pooled = await takeWorker(limits.memoryMb);
      if (signal?.aborted) throw cancelled(subject);
      const worker = pooled.worker;
      const id = nextId++;
      return await new Promise<ParseResults[Kind]>((resolve, reject) => {
        let stopped = false;
        const parseRun: Running = {
          memoryMb: limits.memoryMb,
          baselineRss: process.memoryUsage.rss(),
          fail(error) {
            if (stopped) return;
            stopped = true;
            // A stopped worker is never reused: it may be mid-way through anything.
            void worker.terminate();
            pooled = undefined;
            finish();
            reject(
              new LoupeError(error.code, `Reading ${subject} was stopped: ${error.message}`, {
                cause: error,
              }),
            );
          },
        };
        const timer = setTimeout(
          () =>
            parseRun.fail(
              new LoupeError(
                "tool-failed",
                `parsing took longer than ${limits.timeoutMs / 1000} s (search.webVisit.parseTimeoutMs).`,
              ),
            ),
          limits.timeoutMs,
        );
        const onAbort = () =>
          parseRun.fail(new LoupeError("cancelled", "the run was cancelled or ran out of time."));
        const onMessage = (reply: ParseReply) => {
          if (reply.type === "ready" || reply.id !== id || stopped) return;
          stopped = true;
          finish();
          if (reply.type === "done") resolve(reply.value as ParseResults[Kind]);
          else
            reject(
              new LoupeError(reply.code ?? "tool-failed", `Reading ${subject} failed: ${reply.message}`),
            );
        };
        const onError = (error: Error & { code?: string }) =>
          parseRun.fail(
            error.code === "ERR_WORKER_OUT_OF_MEMORY"
              ? memoryError(limits.memoryMb)
              : new LoupeError("tool-failed", `the parser failed: ${error.message}`),
          );
        const onExit = (code: number) =>
          parseRun.fail(
            new LoupeError("tool-failed", `the parser stopped unexpectedly (exit code ${code}).`),
          );
        function finish() {
          clearTimeout(timer);
          signal?.removeEventListener("abort", onAbort);
          worker.off("message", onMessage);
          worker.off("error", onError);
          worker.off("exit", onExit);
          running.delete(parseRun);
        }
        worker.on("message", onMessage);
        worker.on("error", onError);
        worker.on("exit", onExit);
        signal?.addEventListener("abort", onAbort, { once: true });
        running.add(parseRun);
        watchMemory();
        worker.postMessage({ id, job, limits } satisfies ParseRequest);
      });
    } finally {
      if (pooled) giveBack(pooled);
      release();
    }
  }

  return {
    parse,
    async close() {
      for (const parse of running) parse.fail(new LoupeError("cancelled", "the parser pool was closed."));
      const workers = idle.splice(0).map((pooled) => {
        clearTimeout(pooled.idleTimer);
        return pooled.worker.terminate();
      });
      await Promise.all(workers);
    },
  };
}

let shared: ParserPool | undefined;

/** The process's parser pool, made on first use; its idle workers never hold the process open. */
export function sharedParserPool(): ParserPool {
  shared ??= createParserPool();
  return shared;
}

/**
 * Starts a worker and waits for it to load its modules. From source (tsx, vitest) the worker is a
 * .ts file: Node 20 gives worker threads none of the parent's loader hooks, so a small bootstrap
 * registers tsx in the worker first. Parent flags (--import preloads) are not passed on.
 */
function startWorker(memoryMb: number): Promise<PooledWorker> {
  const resourceLimits = {
    maxOldGenerationSizeMb: memoryMb,
    maxYoungGenerationSizeMb: Math.max(16, Math.min(64, Math.floor(memoryMb / 8))),
  };
  const worker = workerUrl.pathname.endsWith(".ts")
    ? new Worker(tsxBootstrap(workerUrl.href), { eval: true, resourceLimits, execArgv: [] })
    : new Worker(workerUrl, { resourceLimits, execArgv: [] });
  return new Promise((resolve, reject) => {
    const onMessage = (reply: ParseReply) => {
      if (reply.type !== "ready") return;
      worker.off("error", onError);
      worker.off("message", onMessage);
      // Errors are reported to the parse in flight; one with no parse to blame must not crash the process.
      worker.on("error", () => {});
      resolve({ worker, memoryMb });
    };
    const onError = (error: Error) => {
      worker.off("message", onMessage);
      reject(
        new LoupeError("tool-failed", `the page parser could not start: ${error.message}`, { cause: error }),
      );
    };
    worker.on("message", onMessage);
    worker.once("error", onError);
  });
}

function tsxBootstrap(target: string): string {
  const tsxPackage = pathToFileURL(createRequire(import.meta.url).resolve("tsx/package.json"));
  const tsxApi = new URL("./dist/esm/api/index.mjs", tsxPackage).href;
  return `import(${JSON.stringify(tsxApi)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(target)}); });`;
}

function memoryError(memoryMb: number): LoupeError {
  return new LoupeError(
    "tool-failed",
    `parsing needed more than ${memoryMb} MB of memory (search.webVisit.parseMemoryMb).`,
  );
}

function cancelled(subject: string): LoupeError {
  return new LoupeError("cancelled", `Reading ${subject} was cancelled.`);
}
