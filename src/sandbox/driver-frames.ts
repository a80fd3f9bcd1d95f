/**
 * One answer of the driver: a JSON header line and the payload bytes it announces
 * (`payloadBytes`), the returned images back to back.
 */
export interface DriverFrame {
  header: Record<string, unknown>;
  payload: Buffer;
}

/**
 * Cuts the driver's byte stream into frames. Everything it holds is bounded by `maxFrameBytes`:
 * a driver that announces or sends more is reported through `onError`, and the reader stops.
 * A payload is copied into its own buffer as its chunks arrive, so a frame is ready as soon as
 * its last byte is, without joining megabytes at the end.
 */
export class DriverFrameReader {
  readonly #maxFrameBytes: number;
  readonly #onFrame: (frame: DriverFrame) => void;
  readonly #onError: (reason: string) => void;
  /** Bytes of a header line not yet ended by its newline. */
  #headerChunks: Buffer[] = [];
  #headerBytes = 0;
  /** The frame whose payload is arriving, and how much of it has. */
  #pending: { header: Record<string, unknown>; payload: Buffer; filled: number } | undefined;
  #failed = false;

  constructor(options: {
    maxFrameBytes: number;
    onFrame: (frame: DriverFrame) => void;
    onError: (reason: string) => void;
  }) {
    this.#maxFrameBytes = options.maxFrameBytes;
    this.#onFrame = options.onFrame;
    this.#onError = options.onError;
  }

  push(chunk: Buffer): void {
    let rest = chunk;
    while (!this.#failed && rest.length > 0) {
      rest = this.#pending ? this.#fillPayload(rest) : this.#readHeader(rest);
    }
  }

  /** Consumes header bytes from `chunk`; returns what follows the header line, if it ended. */
  #readHeader(chunk: Buffer): Buffer {
    const newline = chunk.indexOf(10);
    const piece = newline < 0 ? chunk : chunk.subarray(0, newline);
    this.#headerChunks.push(piece);
    this.#headerBytes += piece.length;
    if (this.#headerBytes > this.#maxFrameBytes) {
      this.#fail("the driver's answer was larger than the limits allow");
      return Buffer.alloc(0);
    }
    if (newline < 0) return Buffer.alloc(0);
    const line = Buffer.concat(this.#headerChunks, this.#headerBytes).toString("utf8");
    this.#headerChunks = [];
    this.#headerBytes = 0;
    this.#startFrame(line);
    return chunk.subarray(newline + 1);
  }

  #startFrame(line: string): void {
    let header: unknown;
    try {
      header = JSON.parse(line);
    } catch (error) {
      this.#fail(`garbled answer from the driver: ${String(error)}`);
      return;
    }
    const payloadBytes = (header as { payloadBytes?: unknown } | null)?.payloadBytes ?? 0;
    if (typeof header !== "object" || header === null || !Number.isSafeInteger(payloadBytes)) {
      this.#fail("garbled answer from the driver: its header is not an object with a byte count");
      return;
    }
    const size = payloadBytes as number;
    if (size < 0 || line.length + size > this.#maxFrameBytes) {
      this.#fail("the driver's answer was larger than the limits allow");
      return;
    }
    this.#pending = {
      header: header as Record<string, unknown>,
      payload: Buffer.allocUnsafe(size),
      filled: 0,
    };
    if (size === 0) this.#finishFrame();
  }

  /** Copies payload bytes from `chunk`; returns what belongs to the next frame. */
  #fillPayload(chunk: Buffer): Buffer {
    const pending = this.#pending!;
    const count = Math.min(chunk.length, pending.payload.length - pending.filled);
    chunk.copy(pending.payload, pending.filled, 0, count);
    pending.filled += count;
    if (pending.filled === pending.payload.length) this.#finishFrame();
    return chunk.subarray(count);
  }

  #finishFrame(): void {
    const { header, payload } = this.#pending!;
    this.#pending = undefined;
    this.#onFrame({ header, payload });
  }

  #fail(reason: string): void {
    this.#failed = true;
    this.#headerChunks = [];
    this.#pending = undefined;
    this.#onError(reason);
  }
}
