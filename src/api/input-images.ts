import { fileURLToPath } from "node:url";
import type { ImageConfig } from "../core/config.js";
import { checkImageBytes, type LoadedImage, loadInputImage } from "../images/load-image.js";

/**
 * An input image as a library caller has it: a file path, an http(s) or file: URL, or
 * bytes already in memory, optionally with a name that errors and the trajectory's provenance use.
 */
export type ImageInput = string | URL | Uint8Array | { bytes: Uint8Array; name?: string };

export interface LoadImageOptions {
  /** Cancels fetching a URL. */
  signal?: AbortSignal;
}

/**
 * Loads every input image with the configured limits (`config.images`), in order; the first
 * failure is thrown as a LoupeError naming the image. Unnamed bytes are named by their position.
 */
export async function loadImages(
  inputs: readonly ImageInput[],
  config: ImageConfig,
  options: LoadImageOptions = {},
): Promise<LoadedImage[]> {
  return Promise.all(
    inputs.map((input, index) => loadNamedImage(input, config, inMemoryName(index + 1), options)),
  );
}

/** One input image, read, fetched or taken from memory, then checked like any input (size, format, decode). */
export async function loadImage(
  input: ImageInput,
  config: ImageConfig,
  options: LoadImageOptions = {},
): Promise<LoadedImage> {
  return loadNamedImage(input, config, inMemoryName(), options);
}

function loadNamedImage(
  input: ImageInput,
  config: ImageConfig,
  unnamed: string,
  options: LoadImageOptions,
): Promise<LoadedImage> {
  if (typeof input === "string") return loadInputImage(input, config, { signal: options.signal });
  if (input instanceof URL) {
    // A file: URL (new URL("./photo.jpg", import.meta.url)) is a path; others are fetched.
    const source = input.protocol === "file:" ? fileURLToPath(input) : input.href;
    return loadInputImage(source, config, { signal: options.signal });
  }
  if (input instanceof Uint8Array) return checkImageBytes(input, config, unnamed);
  return checkImageBytes(input.bytes, config, input.name ?? unnamed);
}

/** The source of an unnamed in-memory image: its position among the inputs, which is all there is. */
function inMemoryName(position?: number): string {
  return position === undefined ? "input image (bytes)" : `input image ${position} (bytes)`;
}
