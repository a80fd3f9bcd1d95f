import { LoupeError } from "../../core/errors.js";
import type { ImageRef } from "../../core/images.js";
import { extensionForMime } from "../../core/images.js";
import type { ToolContext } from "../../core/tool.js";
import { bytesSentToModel } from "../../images/model-view.js";
import type { DriverResponse } from "../../sandbox/driver-response.js";
import type { SandboxLimits } from "../../sandbox/sandbox-limits.js";
import type { SandboxPool } from "../../sandbox/sandbox-pool.js";
import type { ExecuteOutcome, SandboxSession, SessionImage } from "../../sandbox/sandbox-session.js";
import { encodeReturnedImage, formatForReturnedImage } from "./encode-returned-image.js";
import { isNearlyWhite } from "./nearly-white.js";

/** What one call produced, before it is rendered for the model. */
export interface KernelCallResult {
  stdout: string;
  stderr: string;
  result?: string;
  error?: string;
  /** The session was killed (timeout, crash) during this call; its variables are gone. */
  restarted: boolean;
  images: ImageRef[];
  notes: string[];
}

/**
 * A run's Python kernel: one sandbox session kept across calls, the run's images loaded into it
 * as image_1, image_2, ... as they appear (inputs, other tools' outputs, its own outputs), and a
 * fresh session after a timeout or crash. Calls run one after another, in the order they were
 * made: a model may ask for several `python` calls in one turn and the agent runs them at once,
 * but a notebook has one state, and two calls racing for it would start two sessions.
 */
export class PythonKernel {
  readonly #pool: SandboxPool;
  #session: SandboxSession | undefined;
  /** Ids of the run's images the current session has as variables. */
  #loaded = new Set<string>();
  /** The last call made: the next one starts when it has ended, however it ended. */
  #queue: Promise<unknown> = Promise.resolve();
  #disposed = false;
  /** Cells of a resumed run's earlier steps, re-run before the first call; emptied once run. */
  #replay: string[];

  constructor(pool: SandboxPool, options: { replay?: readonly string[] } = {}) {
    this.#pool = pool;
    this.#replay = [...(options.replay ?? [])];
  }

  run(code: string, context: ToolContext): Promise<KernelCallResult> {
    const call = this.#queue.then(() => this.#runNow(code, context));
    this.#queue = call.catch(() => undefined);
    return call;
  }

  async #runNow(code: string, context: ToolContext): Promise<KernelCallResult> {
    // A session can also end between calls (its memory watch, a thread the code left running):
    // the model is told, since the variables it expects are gone.
    const endedBetweenCalls = this.#session && !this.#session.alive ? this.#session.exitReason : undefined;
    if (endedBetweenCalls !== undefined) this.#endSession();
    if (!this.#session) this.#session = await this.#acquire(context.signal);
    const replayNote = await this.#replayEarlierCells(context);
    const session = this.#session;
    const newImages = context.images.list().filter((ref) => !this.#loaded.has(ref.id));
    const sessionImages = await imagesForSession(newImages, context);
    const outcome = await this.#pool.execute(session, code, sessionImages, context.signal);
    const rawOutput = outcome.processOutput.trim();
    if (outcome.status !== "ok") {
      this.#endSession();
      const why = whyCallFailed(outcome, this.#pool.limits);
      return {
        stdout: rawOutput,
        stderr: "",
        error: `Execution failed: ${why}. The session was restarted: all variables and imports are lost; the images are loaded again as image_1, image_2, ...`,
        restarted: true,
        images: [],
        notes: [],
      };
    }
    for (const ref of newImages) this.#loaded.add(ref.id);
    const notes = [...outcome.response.notes];
    if (replayNote) notes.unshift(replayNote);
    if (endedBetweenCalls !== undefined)
      notes.unshift(
        `the Python session ended after the previous call (${endedBetweenCalls}) and was restarted: earlier variables and imports are gone`,
      );
    const images = await addProducedImages(outcome.response, code, context, {
      maxImageBytes: this.#pool.limits.maxImageBytes,
      maxImagePixels: this.#pool.limits.maxImagePixels,
      notes,
    });
    return { ...textOf(outcome.response, rawOutput), restarted: false, images, notes };
  }

  /**
   * Re-creates a resumed run's variables: its earlier cells run again in this fresh session, their
   * output and images dropped (the model saw them the first time). A cell that fails now ends the
   * replay, and the model is told which variables may be missing; that is all it hears of it.
   */
  async #replayEarlierCells(context: ToolContext): Promise<string | undefined> {
    const cells = this.#replay.splice(0);
    for (const [index, cell] of cells.entries()) {
      const session = this.#session;
      if (!session) break;
      const newImages = context.images.list().filter((ref) => !this.#loaded.has(ref.id));
      const images = await imagesForSession(newImages, context);
      const outcome = await this.#pool.execute(session, cell, images, context.signal);
      // A Python exception is no failure here: a cell that raised the first time raises again.
      if (outcome.status === "ok") {
        for (const ref of newImages) this.#loaded.add(ref.id);
        continue;
      }
      this.#endSession();
      this.#session = await this.#acquire(context.signal);
      return `the run was resumed and its Python session re-created by re-running the earlier code; cell ${index + 1} of ${cells.length} failed this time (${outcome.status}), so the variables it and later cells set are missing`;
    }
    return undefined;
  }

  /** Ends the session; calls made or still waiting after this fail instead of starting another. */
  dispose(): void {
    this.#disposed = true;
    this.#endSession();
  }

  async #acquire(signal: AbortSignal): Promise<SandboxSession> {
    if (this.#disposed) throw new LoupeError("tool-failed", "The Python session of this run has ended.");
    const session = await this.#pool.acquire(signal);
    if (this.#disposed) {
      // The run ended while the session was starting: nobody would ever release it.
      this.#pool.release(session);
      throw new LoupeError("tool-failed", "The Python session of this run has ended.");
    }
    return session;
  }

  #endSession(): void {
    if (this.#session) this.#pool.release(this.#session);
    this.#session = undefined;
    this.#loaded = new Set();
  }
}

/**
 * The run's images as the session's variables and files: image_N is the full-size original, or,
 * where the profile says code sees what the model saw (DeepEyesV2's eval), the image exactly as
 * the model was sent it, with the original beside it as image_N_original.
 */
async function imagesForSession(refs: readonly ImageRef[], context: ToolContext): Promise<SessionImage[]> {
  const entries: SessionImage[] = [];
  for (const ref of refs) {
    const original = context.images.bytes(ref.id);
    const entry = (name: string, bytes: Uint8Array, mime: string): SessionImage => ({
      name,
      file: `${name}.${extensionForMime(mime)}`,
      bytes,
    });
    if (context.view.pythonImages === "original") {
      entries.push(entry(ref.label, original, ref.mime));
      continue;
    }
    const seen = await bytesSentToModel(ref, original, context.view.modelView);
    entries.push(entry(ref.label, seen.bytes, seen.mime), entry(`${ref.label}_original`, original, ref.mime));
  }
  return entries;
}

function whyCallFailed(outcome: Exclude<ExecuteOutcome, { status: "ok" }>, limits: SandboxLimits): string {
  if (outcome.status === "timeout")
    return `the code ran longer than ${limits.wallSecondsPerCall} s and was stopped`;
  if (outcome.status === "over-memory") {
    const mebibytes = Math.round(limits.sessionMemoryBytes / 1024 ** 2);
    return `the session's processes together used over ${limits.sessionMemoryBytes} bytes of memory (${mebibytes} MiB, the session's limit) and were stopped`;
  }
  return `the Python process died (${outcome.reason})`;
}

function textOf(response: DriverResponse, rawOutput: string) {
  let stdout = response.stdout ?? "";
  if (response.stdoutDropped > 0)
    stdout += `\n... [${response.stdoutDropped} more characters of output dropped]`;
  if (rawOutput) stdout = stdout ? `${stdout}\n${rawOutput}` : rawOutput;
  let stderr = response.stderr ?? "";
  if (response.stderrDropped > 0) stderr += `\n... [${response.stderrDropped} more characters dropped]`;
  return {
    stdout,
    stderr,
    result: response.result ?? undefined,
    error: response.error ?? undefined,
  };
}

/**
 * Adds the images the code produced to the run, encoded (raw pixels) or re-read (files) on the
 * host; what cannot be read, has too many pixels, or is too large once encoded, is dropped with a
 * note.
 */
async function addProducedImages(
  response: DriverResponse,
  code: string,
  context: ToolContext,
  limits: { maxImageBytes: number; maxImagePixels: number; notes: string[] },
): Promise<ImageRef[]> {
  const refs: ImageRef[] = [];
  const parent = soleImageMentioned(code, context);
  const parentMime = parent === undefined ? undefined : context.images.byId(parent)?.mime;
  for (const image of response.images) {
    const mime = formatForReturnedImage(image, parentMime);
    const encoded = await encodeReturnedImage(image, mime, limits.maxImagePixels);
    if ("refused" in encoded) {
      limits.notes.push(encoded.refused);
      continue;
    }
    if (encoded.bytes.length > limits.maxImageBytes) {
      limits.notes.push(
        `image from ${image.source} dropped: ${encoded.bytes.length} bytes once encoded is over ${limits.maxImageBytes}`,
      );
      continue;
    }
    const origin = { operation: "python", parameters: { code, source: image.source }, parent };
    const white = context.view.markNearlyWhite === true && (await isNearlyWhite(encoded.bytes));
    const facts = white ? { ...encoded.facts, nearlyWhite: true } : encoded.facts;
    refs.push(context.addImage(encoded.bytes, facts, origin));
  }
  return refs;
}

/** The id of the one run image the code names (image_3), when it names exactly one. */
function soleImageMentioned(code: string, context: ToolContext): string | undefined {
  const named = new Set(code.match(/\bimage_\d+\b/g) ?? []);
  if (named.size !== 1) return undefined;
  const [label] = [...named];
  return context.images.list().find((ref) => ref.label === label)?.id;
}
