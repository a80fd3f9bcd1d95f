import { availableParallelism } from "node:os";
import { Semaphore } from "../core/semaphore.js";

/** What the model is sent for one image under one view: bytes and their MIME type. */
export interface SentBytes {
  bytes: Uint8Array;
  mime: string;
}

/** About 1,000 model views of 1280x28x28 pixels at JPEG quality 90 (~250 KB each). */
export const defaultViewCacheBytes = 256 * 1024 * 1024;

/**
 * Encoded model views by image hash and view settings, shared by every run of the process (a
 * server or an eval asking many questions about the same images encodes each once), least
 * recently used dropped first once the total passes a byte budget. Encodes run at most
 * `availableParallelism()` at a time: a 100-image question encodes its inputs in parallel, and
 * many runs at once do not queue more sharp work than there are cores. Pending encodes are
 * shared, so two runs sending the same image encode it once.
 */
export class ViewCache {
  readonly #maxBytes: number;
  readonly #entries = new Map<string, Promise<SentBytes>>();
  readonly #sizes = new Map<string, number>();
  readonly #encodes: Semaphore;
  #totalBytes = 0;

  constructor(maxBytes = defaultViewCacheBytes, concurrency = availableParallelism()) {
    this.#maxBytes = maxBytes;
    this.#encodes = new Semaphore(concurrency);
  }

  get totalBytes(): number {
    return this.#totalBytes;
  }

  /** The view `key` names, made by `encode` (bounded in concurrency) on a miss. */
  get(key: string, encode: () => Promise<SentBytes>): Promise<SentBytes> {
    const cached = this.#entries.get(key);
    if (cached) {
      // Re-inserting moves the entry to the most recently used end of the Map's order.
      this.#entries.delete(key);
      this.#entries.set(key, cached);
      return cached;
    }
    const pending = this.#encodes.run(encode);
    this.#entries.set(key, pending);
    pending.then(
      (sent) => this.#account(key, pending, sent.bytes.byteLength),
      () => {
        if (this.#entries.get(key) === pending) this.#entries.delete(key);
      },
    );
    return pending;
  }

  clear(): void {
    this.#entries.clear();
    this.#sizes.clear();
    this.#totalBytes = 0;
  }

  #account(key: string, pending: Promise<SentBytes>, size: number): void {
    // Dropped (or replaced) while it was encoding: nothing to count.
    if (this.#entries.get(key) !== pending) return;
    if (size > this.#maxBytes) {
      this.#entries.delete(key);
      return;
    }
    this.#sizes.set(key, size);
    this.#totalBytes += size;
    for (const oldest of this.#entries.keys()) {
      if (this.#totalBytes <= this.#maxBytes) break;
      const oldestSize = this.#sizes.get(oldest);
      // Still encoding: not counted yet, and its callers are waiting for it.
      if (oldestSize === undefined) continue;
      this.#entries.delete(oldest);
      this.#sizes.delete(oldest);
      this.#totalBytes -= oldestSize;
    }
  }
}

/** The process's cache: the wire and the Python kernel read the same views from it. */
export const sharedViewCache = new ViewCache();
