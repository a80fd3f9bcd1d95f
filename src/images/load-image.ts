import { readFile, stat } from "node:fs/promises";
import sharp, { type Metadata } from "sharp";
import type { ImageConfig } from "../core/config.js";
import { describeError, LoupeError } from "../core/errors.js";
import { describeFetchFailure } from "../core/fetch-failure.js";
import type { ImageFacts } from "../core/images.js";

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
        `${config.maxInputPixels.toLocaleString("en-US")} pixels (raise images.maxInputPixels if this image is genuine).`,
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
  if (bytes.byteLength === 0)
    throw new LoupeError("image-invalid", `${name} is empty (0 bytes), not an image.`);
  let metadata: Metadata;
  try {
    // The header is read without a pixel limit so the error below can name the real size.
    metadata = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch (error) {
    const reason = decoderReason(error);
    const message = /unsupported image format/i.test(reason)
      ? `${name} is not an image Loupe can read (not ${acceptedFormats()}).`
      : `${name} is not a readable image: ${reason}.`;
    throw new LoupeError("image-invalid", message, { cause: error });
  }
  const format = metadata.format === "heif" && metadata.compression === "av1" ? "avif" : metadata.format;
  const mime = mimeByFormat[format];
  if (!mime) {
    throw new LoupeError(
      "image-invalid",
      `${name} is in ${format} format, which Loupe does not accept: use ${acceptedFormats()}.`,
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
    throw new LoupeError(
      "image-invalid",
      `${name} could not be decoded (truncated or corrupt): ${decoderReason(error)}.`,
      { cause: error },
    );
  }
}

function acceptedFormats(): string {
  const names = Object.keys(mimeByFormat).map((format) => format.toUpperCase());
  return `${names.slice(0, -1).join(", ")} or ${names.at(-1)}`;
}

/**
 * The decoder's reason on one line. libvips collects every message its decoder printed, so a
 * truncated JPEG header reads "premature end of JPEG image" several times over several lines:
 * each distinct message is kept once, without the "VipsJpeg: " prefix.
 */
export function decoderReason(error: unknown): string {
  const text = describeError(error);
  // sharp puts its own words first ("Input buffer has corrupt header: VipsJpeg: ...").
  const [, lead, messages = text] = /^([^:\n]+): (Vips\w+: [\s\S]*)$/.exec(text) ?? [];
  const lines = messages
    .split("\n")
    .map((line) =>
      line
        .trim()
        .replace(/^Vips\w+: /, "")
        .replace(/\.$/, ""),
    )
    .filter((line) => line !== "");
  const distinct = [...new Set(lines)].slice(0, 3).join("; ");
  const reason = lead ? `${lead}: ${distinct}` : distinct;
  return reason.length > 300 ? `${reason.slice(0, 300)}…` : reason;
}

export interface LoadImageOptions {
  /** Cancels the load (the run was cancelled). */
  signal?: AbortSignal | undefined;
  /**
   * Limit on fetching a URL, headers and body together: a stalled server must not hang a run.
   * images.fetchTimeoutMs (30 s) when absent.
   */
  timeoutMs?: number | undefined;
}

/** Reads an input image from a file path or an http(s) URL and checks it fully. */
export async function loadInputImage(
  source: string,
  config: ImageConfig,
  options: LoadImageOptions = {},
): Promise<LoadedImage> {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(source)?.[1];
  if (scheme !== undefined && !/^https?$/i.test(scheme)) {
    throw new LoupeError(
      "image-not-found",
      `Cannot load image ${source}: ${scheme}:// URLs are not supported; give an http(s) URL or a file path.`,
    );
  }
  const bytes =
    scheme !== undefined
      ? await fetchImageBytes(source, config, options)
      : await readImageFile(source, config);
  return checkImageBytes(bytes, config, source);
}

/**
 * An input image the caller already holds in memory, checked as a file or URL would be (byte and
 * pixel limits, format, a full decode); `source` names it in errors and in its provenance.
 */
export async function checkImageBytes(
  bytes: Uint8Array,
  config: ImageConfig,
  source: string,
): Promise<LoadedImage> {
  if (bytes.byteLength > config.maxInputBytes) throw tooManyBytes(source, bytes.byteLength, config);
  const facts = await readImageFacts(bytes, config, source);
  await assertDecodes(bytes, config, source);
  return { bytes, facts, source };
}

function tooManyBytes(source: string, byteLength: number, config: ImageConfig, atLeast = false): LoupeError {
  return new LoupeError(
    "image-too-large",
    `${source} is ${atLeast ? "at least " : ""}${byteLength.toLocaleString("en-US")} bytes, over the limit of ` +
      `${config.maxInputBytes.toLocaleString("en-US")} bytes (raise images.maxInputBytes if this image is genuine).`,
  );
}

async function readImageFile(path: string, config: ImageConfig): Promise<Uint8Array> {
  const cannotRead = (reason: string, cause?: unknown) =>
    new LoupeError("image-not-found", `Cannot read image file ${path}: ${reason}.`, { cause });
  const info = await stat(path).catch((error: NodeJS.ErrnoException) => error);
  if (info instanceof Error) throw cannotRead(fileErrorReason(info), info);
  if (info.isDirectory()) throw cannotRead("it is a folder, not a file");
  // A FIFO or a device (/dev/zero) never ends or is not an image: only regular files are read.
  if (!info.isFile()) throw cannotRead("it is not a regular file");
  if (info.size > config.maxInputBytes) throw tooManyBytes(path, info.size, config);
  try {
    return new Uint8Array(await readFile(path));
  } catch (error) {
    throw cannotRead(fileErrorReason(error as NodeJS.ErrnoException), error);
  }
}

function fileErrorReason(error: NodeJS.ErrnoException): string {
  if (error.code === "ENOENT") return "no such file";
  if (error.code === "EACCES" || error.code === "EPERM") return "permission denied";
  if (error.code === "ENOTDIR") return "a folder in its path is a file";
  if (error.code === "ELOOP") return "too many symbolic links";
  return describeError(error);
}

async function fetchImageBytes(
  url: string,
  config: ImageConfig,
  options: LoadImageOptions,
): Promise<Uint8Array> {
  const timeoutMs = options.timeoutMs ?? config.fetchTimeoutMs;
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
        `Cannot fetch image ${url}: timed out after ${formatSeconds(timeoutMs)} (images.fetchTimeoutMs); ` +
          "the server stopped answering or is too slow.",
        { cause: error },
      );
    }
    if (error instanceof LoupeError) throw error;
    throw new LoupeError("image-not-found", `Cannot fetch image ${url}: ${describeFetchFailure(error)}.`, {
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
    const status = `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ""}`;
    throw new LoupeError("image-not-found", `Cannot fetch image ${url}: the server answered ${status}.`);
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
