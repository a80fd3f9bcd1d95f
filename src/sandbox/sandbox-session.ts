import { type ChildProcess, spawn } from "node:child_process";
import { constants } from "node:os";
import type { Readable, Writable } from "node:stream";
import { LoupeError } from "../core/errors.js";
import { bwrapSupportsDisableUserns, type FontList, firstSetupFd, sandboxCommand } from "./bwrap-command.js";
import { type DriverFrame, DriverFrameReader } from "./driver-frames.js";
import { type DriverResponse, readDriverResponse } from "./driver-response.js";
import { installHint } from "./sandbox-availability.js";
import type { SandboxLimits } from "./sandbox-limits.js";
import { sandboxSeccompFilter } from "./seccomp-filter.js";
import { trackSession, untrackSession } from "./session-cleanup.js";
import { SessionMemoryWatch } from "./session-memory-watch.js";

export interface SandboxSessionOptions {
  bwrapPath: string;
  pythonPath: string;
  /** driver.py's source (copied into the sandbox; see SandboxCommandOptions.driverSource). */
  driverSource: Buffer;
  limits: SandboxLimits;
  /** How long the driver may take to import its libraries and say it is ready. */
  startTimeoutMs?: number;
  /**
   * Whether waiting for the start keeps the host process alive (default true). Warm spares that
   * nobody waits for yet pass false, so a CLI run ends at once instead of after their start.
   */
  holdsProcess?: boolean;
  /** Kills the session if it is still starting (a spare of a pool that closes). */
  signal?: AbortSignal;
  /** matplotlib's font list from an earlier session (SandboxPool keeps it). */
  fontList?: FontList;
}

/**
 * An image sent into the session: bound to `name` in Python and written to /work/`file` by the
 * driver (the work folder is a tmpfs only the sandbox sees).
 */
export interface SessionImage {
  name: string;
  file: string;
  bytes: Uint8Array;
}

export type ExecuteOutcome =
  | { status: "ok"; response: DriverResponse; processOutput: string }
  | { status: "timeout"; processOutput: string }
  | { status: "over-memory"; usedBytes: number; processOutput: string }
  | { status: "crashed"; reason: string; processOutput: string };

/** What a waiting call gets: the driver's next answer, or why the session ended. */
type SessionMessage = { frame?: DriverFrame; exit?: string };

const nobodyId = 65534;

/**
 * One sandboxed Python process: a notebook kernel with a private work folder (a tmpfs inside the
 * sandbox). Calls run one at a time. A call that times out, or a process that dies, ends the
 * session: the caller starts another.
 */
export class SandboxSession {
  readonly #child: ChildProcess;
  readonly #requests: Writable;
  readonly #limits: SandboxLimits;
  #processOutput = "";
  #nextId = 1;
  #exited: string | undefined;
  /** Set when the memory watch killed the session: what its processes held together. */
  #overMemoryBytes: number | undefined;
  #memoryWatch: SessionMemoryWatch | undefined;
  #waiter: ((message: SessionMessage) => void) | undefined;
  /** The font list this session built as it started (none when the one it was given was current). */
  #builtFontList: FontList | undefined;

  private constructor(child: ChildProcess, limits: SandboxLimits) {
    this.#child = child;
    this.#limits = limits;
    this.#requests = child.stdio[3] as Writable;
    // Images come as raw pixels or files, at most maxImages * maxImageBytes together (driver.py);
    // the header holds two capped streams and the capped result, where JSON may write one
    // character as 12 bytes (an escaped surrogate pair), and room for notes and a traceback.
    const frames = new DriverFrameReader({
      maxFrameBytes: limits.maxImages * limits.maxImageBytes + 36 * limits.maxOutputChars + 1024 * 1024,
      onFrame: (frame) => this.#waiter?.({ frame }),
      onError: (reason) => {
        this.#onExit(reason);
        this.dispose();
      },
    });
    const responses = child.stdio[4] as Readable;
    responses.on("data", (chunk: Buffer) => frames.push(chunk));
    for (const stream of [child.stdout, child.stderr]) {
      stream?.setEncoding("utf8");
      stream?.on("data", (chunk: string) => this.#onProcessOutput(chunk));
    }
    this.#requests.on("error", () => {});
    child.on("exit", (code, signal) => this.#onExit(describeExit(code, signal)));
    if (child.pid !== undefined)
      this.#memoryWatch = new SessionMemoryWatch({
        rootPid: child.pid,
        limitBytes: limits.sessionMemoryBytes,
        onOver: (usedBytes) => {
          this.#overMemoryBytes = usedBytes;
          this.#onExit(
            `killed: its processes together used over ${limits.sessionMemoryBytes} bytes of memory (${usedBytes} seen)`,
          );
          this.dispose();
        },
      });
    child.on("error", (error) => this.#onExit(error.message));
    // Idle sessions must not keep the host process alive; a call in flight holds a timer instead.
    child.unref();
    for (const stream of child.stdio) (stream as unknown as { unref?: () => void } | null)?.unref?.();
  }

  /** Starts the sandbox and waits until the driver has imported its libraries. */
  static async start(options: SandboxSessionOptions): Promise<SandboxSession> {
    const { command, args, setupInputs } = sandboxCommand({
      bwrapPath: options.bwrapPath,
      pythonPath: options.pythonPath,
      driverSource: options.driverSource,
      limits: options.limits,
      disableUserns: bwrapSupportsDisableUserns(options.bwrapPath),
      seccompFilter: sandboxSeccompFilter(),
      fontList: options.fontList,
    });
    // A root host runs the sandbox as nobody: the kernel only enforces RLIMIT_NPROC (the fork
    // bomb guard) for unprivileged users, and host files stay unreadable even if one leaked in.
    const asNobody = process.getuid?.() === 0;
    const child = spawn(command, args, {
      stdio: ["ignore", "pipe", "pipe", "pipe", "pipe", ...setupInputs.map(() => "pipe" as const)],
      detached: true,
      env: {},
      ...(asNobody ? { uid: nobodyId, gid: nobodyId } : {}),
    });
    // bwrap reads each setup input to its end while it builds the sandbox.
    setupInputs.forEach((data, index) => {
      const input = child.stdio[firstSetupFd + index] as Writable;
      input.on("error", () => {});
      input.end(data);
    });
    const session = new SandboxSession(child, options.limits);
    trackSession(session);
    const stop = () => session.dispose();
    options.signal?.addEventListener("abort", stop, { once: true });
    if (options.signal?.aborted) stop();
    const ready = await session.#nextMessage(options.startTimeoutMs ?? 30_000, options.holdsProcess ?? true);
    options.signal?.removeEventListener("abort", stop);
    if (ready.frame === undefined) {
      const output = session.#processOutput.trim().slice(-2000);
      session.dispose();
      throw new LoupeError(
        "tool-failed",
        `The Python sandbox did not start (${ready.exit ?? "no answer"}).${output ? ` Its output:\n${output}` : ""}`,
        { hint: installHint },
      );
    }
    session.#processOutput = "";
    session.#builtFontList = readFontList(ready.frame.header.fontList);
    return session;
  }

  /**
   * matplotlib's font list, when this session had to build it. It was read before any user code
   * ran, so later sessions may be given it (read-only) to skip that work.
   */
  get builtFontList(): FontList | undefined {
    return this.#builtFontList;
  }

  get alive(): boolean {
    return this.#exited === undefined;
  }

  /** Why the session ended (undefined while it is alive). */
  get exitReason(): string | undefined {
    return this.#exited;
  }

  /** Runs one cell. Never throws: timeouts and crashes are outcomes, and both end the session. */
  async execute(
    code: string,
    images: readonly SessionImage[],
    signal?: AbortSignal,
  ): Promise<ExecuteOutcome> {
    if (this.#exited) return { status: "crashed", reason: this.#exited, processOutput: "" };
    this.#processOutput = "";
    const request = {
      id: this.#nextId++,
      code,
      images: images.map((image) => ({ name: image.name, file: image.file, length: image.bytes.length })),
    };
    // The JSON line, then each image's bytes as they are (driver.py reads "length" bytes each):
    // base64 inside the JSON cost more than the rest of a call that loads one crop.
    this.#requests.write(`${JSON.stringify(request)}\n`);
    for (const image of images) this.#requests.write(image.bytes);
    const onAbort = () => this.dispose();
    signal?.addEventListener("abort", onAbort, { once: true });
    const message = await this.#nextMessage(this.#limits.wallSecondsPerCall * 1000);
    signal?.removeEventListener("abort", onAbort);
    const processOutput = this.#processOutput;
    if (message.frame === undefined && message.exit === undefined) {
      this.dispose();
      return { status: "timeout", processOutput };
    }
    if (message.frame === undefined && this.#overMemoryBytes !== undefined)
      return { status: "over-memory", usedBytes: this.#overMemoryBytes, processOutput };
    if (message.frame === undefined) return { status: "crashed", reason: message.exit ?? "", processOutput };
    try {
      const answered = message.frame.header.id;
      if (answered !== request.id) throw new Error(`answer to request ${answered}, expected ${request.id}`);
      const response = readDriverResponse(message.frame, this.#limits.maxImagePixels);
      return { status: "ok", response, processOutput };
    } catch (error) {
      this.dispose();
      return { status: "crashed", reason: `garbled answer from the driver: ${String(error)}`, processOutput };
    }
  }

  /** Kills every process of the sandbox (its tmpfs mounts go with them). Safe to call twice. */
  dispose(): void {
    if (!this.#exited) this.#onExit("disposed");
    this.#memoryWatch?.stop();
    const pid = this.#child.pid;
    if (pid !== undefined) {
      try {
        process.kill(-pid, "SIGKILL"); // bwrap leads its own group; --die-with-parent takes the rest
      } catch {
        // already gone
      }
    }
    untrackSession(this);
  }

  #nextMessage(timeoutMs: number, holdsProcess = true): Promise<SessionMessage> {
    if (this.#exited) return Promise.resolve({ exit: this.#exited });
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#waiter = undefined;
        resolve({});
      }, timeoutMs);
      if (!holdsProcess) timer.unref();
      this.#waiter = (message) => {
        clearTimeout(timer);
        this.#waiter = undefined;
        resolve(message);
      };
    });
  }

  #onProcessOutput(chunk: string): void {
    // Output written straight to fd 1/2 (C libraries, subprocesses) bypasses the driver's capture.
    const room = this.#limits.maxOutputChars - this.#processOutput.length;
    if (room > 0) this.#processOutput += chunk.slice(0, room);
  }

  #onExit(reason: string): void {
    if (this.#exited) return;
    this.#exited = reason;
    this.#waiter?.({ exit: reason });
  }
}

/** bwrap exits with 128 + n when the sandboxed process was killed by signal n. */
function describeExit(code: number | null, signal: NodeJS.Signals | null): string {
  if (signal) return describeSignal(signal);
  if (code !== null && code > 128) {
    const name = Object.entries(constants.signals).find(([, number]) => number === code - 128)?.[0];
    if (name) return describeSignal(name as NodeJS.Signals);
  }
  return `exited with code ${code}`;
}

function describeSignal(signal: NodeJS.Signals): string {
  const meanings: Partial<Record<NodeJS.Signals, string>> = {
    SIGXCPU: "killed: CPU time limit reached",
    SIGXFSZ: "killed: file size limit reached",
    SIGKILL: "killed",
    SIGSEGV: "crashed: segmentation fault",
  };
  return meanings[signal] ?? `killed by ${signal}`;
}

function readFontList(value: unknown): FontList | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const { name, text } = value as Record<string, unknown>;
  if (typeof name !== "string" || !/^fontlist-v\d+\.json$/.test(name) || typeof text !== "string")
    return undefined;
  return { name, text };
}
