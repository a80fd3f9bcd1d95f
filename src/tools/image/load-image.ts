import { readFile, stat } from "node:fs/promises";
import sharp, { type Metadata } from "sharp";
import type { ImageConfig } from "../../core/config.js";
import { describeError, LoupeError } from "../../core/errors.js";
import type { ImageFacts } from "../../core/images.js";

/** Formats Loupe accepts, by sharp's decoder name, with the MIME type they are stored under. */
const mimeByFormat: Record<string, string> = {
  jpeg: "image/jpeg",
  png: "image/png",
  webp: "image/webp",
  gif: "image/gif",
  tiff: "image/tiff",
  avif: "image/avif",
};

export interface LoadedImage {
  bytes: Uint8Array;
  facts: ImageFacts;
  /** The path or URL it came from, for ImageProvenance { kind: "input", source }. */
  source: string;
}

/** Refuses an image over the configured pixel budget: the guard against decompression bombs. */
export function assertPixelLimit(width: number, height: number, config: ImageConfig, name: string): void {
  const pixels = width * height;
  if (pixels > config.maxInputPixels) {
    throw new LoupeError(
      "image-too-large",
      `${name} is ${width}x${height} = ${pixels.toLocaleString("en-US")} pixels, over the limit of ` +
        `${config.maxInputPixels.toLocaleString("en-US")} pixels.`,
      { hint: "Raise images.maxInputPixels in the config if this image is genuine." },
    );
  }
}

/**
 * What a decoder says about encoded bytes: format and size as displayed, that is after EXIF
 * orientation (a portrait phone photo stored sideways reports its upright size). Every tool and
 * the model view decode with auto-orientation, so these are the sizes boxes refer to.
 */
export async function readImageFacts(
  bytes: Uint8Array,
  config: ImageConfig,
  name: string,
): Promise<ImageFacts> {
  let metadata: Metadata;
  try {
    // The header is read without a pixel limit so the error below can name the real size.
    metadata = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch (error) {
    throw new LoupeError("image-invalid", `${name} is not a readable image: ${describeError(error)}.`, {
      cause: error,
    });
  }
  const format = metadata.format === "heif" && metadata.compression === "av1" ? "avif" : metadata.format;
  const mime = mimeByFormat[format];
  if (!mime) {
    throw new LoupeError(
      "image-invalid",
      `${name} is in ${format} format, which Loupe does not accept. Use one of: ${Object.keys(mimeByFormat).join(", ")}.`,
    );
  }
  const { width, height } = metadata.autoOrient;
  assertPixelLimit(width, height, config, name);
  return { mime, width, height };
}

/**
 * Checks image bytes from an untrusted source in full (byte limit, format, pixel budget, a whole
 * decode) and returns their facts; `name` says in errors which image it was.
 */
export async function readCheckedImage(
  bytes: Uint8Array,
  config: ImageConfig,
  name: string,
): Promise<ImageFacts> {
  if (bytes.byteLength > config.maxInputBytes) throw tooManyBytes(name, bytes.byteLength, config);
  const facts = await readImageFacts(bytes, config, name);
  await assertDecodes(bytes, config, name);
  return facts;
}

/**
 * Decodes the whole image cheaply (shrink-on-load to a thumbnail) so that a truncated or corrupt
 * body is reported when the image is loaded, not halfway through a run.
 */
async function assertDecodes(bytes: Uint8Array, config: ImageConfig, name: string): Promise<void> {
  try {
    await sharp(bytes, { limitInputPixels: config.maxInputPixels })
      .resize(64, 64, { fit: "inside" })
      .raw()
      .toBuffer();
  } catch (error) {
    throw new LoupeError("image-invalid", `${name} could not be decoded: ${describeError(error)}.`, {
      cause: error,
    });
  }
}

/** How long fetching an image URL may take in all (connecting, headers and body) by default. */
export const defaultFetchTimeoutMs = 30_000;

export interface LoadImageOptions {
  /** Cancels the load (the run was cancelled). */
  signal?: AbortSignal | undefined;
  /** Limit on fetching a URL, headers and body together: a stalled server must not hang a run. */
  timeoutMs?: number | undefined;
}

/** Reads an input image from a file path or an http(s) URL and checks it fully. */
export async function loadInputImage(
  source: string,
  config: ImageConfig,
  options: LoadImageOptions = {},
): Promise<LoadedImage> {
  const bytes = /^https?:\/\//i.test(source)
    ? await fetchImageBytes(source, config, options)
    : await readImageFile(source, config);
  const facts = await readImageFacts(bytes, config, source);
  await assertDecodes(bytes, config, source);
  return { bytes, facts, source };
}

function tooManyBytes(source: string, byteLength: number, config: ImageConfig, atLeast = false): LoupeError {
  return new LoupeError(
    "image-too-large",
    `${source} is ${atLeast ? "at least " : ""}${byteLength.toLocaleString("en-US")} bytes, over the limit of ` +
      `${config.maxInputBytes.toLocaleString("en-US")} bytes.`,
    { hint: "Raise images.maxInputBytes in the config if this image is genuine." },
  );
}

async function readImageFile(path: string, config: ImageConfig): Promise<Uint8Array> {
  let size: number;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new Error("not a regular file");
    size = info.size;
  } catch (error) {
    throw new LoupeError("image-not-found", `Cannot read image file ${path}: ${describeError(error)}.`, {
      cause: error,
    });
  }
  if (size > config.maxInputBytes) throw tooManyBytes(path, size, config);
  return new Uint8Array(await readFile(path));
}

async function fetchImageBytes(
  url: string,
  config: ImageConfig,
  options: LoadImageOptions,
): Promise<Uint8Array> {
  const timeoutMs = options.timeoutMs ?? defaultFetchTimeoutMs;
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  try {
    return await fetchWithinLimits(url, config, signal);
  } catch (error) {
    if (options.signal?.aborted) {
      throw new LoupeError("cancelled", `Loading image ${url} was cancelled.`, { cause: error });
    }
    if (timeout.aborted) {
      throw new LoupeError(
        "image-not-found",
        `Fetching image ${url} took longer than ${formatSeconds(timeoutMs)}; the server stopped answering or is too slow.`,
        { cause: error, hint: "Download the image and pass its file path instead." },
      );
    }
    if (error instanceof LoupeError) throw error;
    throw new LoupeError("image-not-found", `Cannot fetch image ${url}: ${describeError(error)}.`, {
      cause: error,
    });
  }
}

function formatSeconds(milliseconds: number): string {
  return `${Number((milliseconds / 1000).toFixed(3))} s`;
}

/**
 * Fetches the body, refusing it as soon as it passes the byte limit: by the declared length when
 * there is one, and while streaming in any case, so a server that lies about (or omits) its
 * length cannot exhaust memory.
 */
async function fetchWithinLimits(url: string, config: ImageConfig, signal: AbortSignal): Promise<Uint8Array> {
  const response = await fetch(url, { signal, redirect: "follow" });
  if (!response.ok) {
    await response.body?.cancel();
    throw new LoupeError("image-not-found", `Cannot fetch image ${url}: HTTP ${response.status}.`);
  }
  const declared = Number(response.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > config.maxInputBytes) {
    await response.body?.cancel();
    throw tooManyBytes(url, declared, config);
  }
  const chunks: Uint8Array[] = [];
  let received = 0;
  const reader = response.body?.getReader();
  if (!reader) return new Uint8Array();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    received += value.byteLength;
    if (received > config.maxInputBytes) {
      await reader.cancel();
      throw tooManyBytes(url, received, config, true);
    }
    chunks.push(value);
  }
  return new Uint8Array(Buffer.concat(chunks));
}
