import sharp, { type Sharp } from "sharp";
import type { ImageConfig } from "../../core/config.js";
import { describeError, LoupeError } from "../../core/errors.js";

/** Raw 8-bit pixels of an image after EXIF orientation, interleaved, `channels` per pixel. */
export interface DecodedImage {
  data: Buffer;
  width: number;
  height: number;
  channels: 1 | 2 | 3 | 4;
}

/** Two 8K RGB images (about 100 MB each) fit; a run that zooms around one photo never decodes twice. */
export const defaultDecodedCacheBytes = 512 * 1024 * 1024;

const stateKey = "image-tools:decoded-image-cache";

/**
 * Decoded pixels by image id, least recently used dropped first once the total passes a byte
 * budget. Decoding an 8K JPEG takes hundreds of milliseconds and cropping raw pixels takes a few,
 * so a model zooming around one image pays for the decode once. Pending decodes are shared, so
 * two parallel calls on the same image decode it once.
 */
export class DecodedImageCache {
  readonly #maxBytes: number;
  readonly #entries = new Map<string, Promise<DecodedImage>>();
  readonly #sizes = new Map<string, number>();
  #totalBytes = 0;

  constructor(maxBytes = defaultDecodedCacheBytes) {
    this.#maxBytes = maxBytes;
  }

  get totalBytes(): number {
    return this.#totalBytes;
  }

  has(imageId: string): boolean {
    return this.#entries.has(imageId);
  }

  /** The decoded pixels of `imageId`, decoding `bytes` on a miss. */
  get(imageId: string, bytes: Uint8Array, config: ImageConfig): Promise<DecodedImage> {
    const cached = this.#entries.get(imageId);
    if (cached) {
      // Re-inserting moves the entry to the most recently used end of the Map's order.
      this.#entries.delete(imageId);
      this.#entries.set(imageId, cached);
      return cached;
    }
    const pending = decodeImage(bytes, config, imageId);
    this.#entries.set(imageId, pending);
    pending.then(
      (decoded) => this.#account(imageId, pending, decoded.data.byteLength),
      () => this.#entries.delete(imageId),
    );
    return pending;
  }

  clear(): void {
    this.#entries.clear();
    this.#sizes.clear();
    this.#totalBytes = 0;
  }

  #account(imageId: string, pending: Promise<DecodedImage>, byteLength: number): void {
    if (this.#entries.get(imageId) !== pending) return;
    this.#sizes.set(imageId, byteLength);
    this.#totalBytes += byteLength;
    for (const id of this.#entries.keys()) {
      if (this.#totalBytes <= this.#maxBytes) break;
      const size = this.#sizes.get(id);
      // Still-pending entries have no size yet and cannot be weighed; the newest entry stays.
      if (size === undefined || id === imageId) continue;
      this.#entries.delete(id);
      this.#sizes.delete(id);
      this.#totalBytes -= size;
    }
  }
}

/** The run's cache, created on first use in ToolContext.state so it lives exactly as long as the run. */
export function decodedImageCache(state: Map<string, unknown>): DecodedImageCache {
  let cache = state.get(stateKey);
  if (!(cache instanceof DecodedImageCache)) {
    cache = new DecodedImageCache();
    state.set(stateKey, cache);
  }
  return cache as DecodedImageCache;
}

/** Drops the run's decoded pixels (called when the run ends). */
export function releaseDecodedImageCache(state: Map<string, unknown>): void {
  const cache = state.get(stateKey);
  if (cache instanceof DecodedImageCache) cache.clear();
  state.delete(stateKey);
}

/** Decodes to 8-bit raw pixels, upright per EXIF, refusing anything over the pixel limit. */
export async function decodeImage(
  bytes: Uint8Array,
  config: ImageConfig,
  name: string,
): Promise<DecodedImage> {
  try {
    const { data, info } = await sharp(bytes, { limitInputPixels: config.maxInputPixels, autoOrient: true })
      .raw({ depth: "uchar" })
      .toBuffer({ resolveWithObject: true });
    return { data, width: info.width, height: info.height, channels: info.channels };
  } catch (error) {
    if (/pixel limit/i.test(describeError(error))) {
      throw new LoupeError(
        "image-too-large",
        `Image ${name.slice(0, 12)} is over the pixel limit of ${config.maxInputPixels}.`,
      );
    }
    throw new LoupeError(
      "image-invalid",
      `Image ${name.slice(0, 12)} could not be decoded: ${describeError(error)}.`,
      {
        cause: error,
      },
    );
  }
}

/** A sharp pipeline over decoded pixels, for the operations that follow. */
export function pipelineFrom(decoded: DecodedImage, config: ImageConfig): Sharp {
  return sharp(decoded.data, {
    raw: { width: decoded.width, height: decoded.height, channels: decoded.channels },
    limitInputPixels: config.maxInputPixels,
  });
}
