import sharp from "sharp";
import type { ImageFacts } from "../../core/images.js";
import { type ReturnedImage, tooManyPixels } from "../../sandbox/driver-response.js";
import { outputMimeFor, producedJpegQuality } from "../image/produce-image.js";

export interface EncodedReturnedImage {
  bytes: Uint8Array;
  facts: ImageFacts;
}

const mimeOfFormat: Record<string, string> = {
  png: "image/png",
  jpeg: "image/jpeg",
  webp: "image/webp",
  gif: "image/gif",
};

/**
 * PNG settings for pixels made in Python: level 1 without adaptive filtering encodes a 800x600
 * crop about 2x faster than sharp's default (level 6) for ~20% more bytes; the encode is most of
 * a crop's round trip.
 */
const fastPng = { compressionLevel: 1, adaptiveFiltering: false } as const;

/**
 * JPEG like the image tools' (quality 92, same subsampling, so the same pixels decode), without
 * the optimised Huffman tables' second pass: that pass doubles the encode of a 800x600 crop
 * (4 ms to 2 ms) to save ~15% of bytes.
 */
const fastJpeg = { quality: producedJpegQuality, optimiseCoding: false } as const;

/**
 * The format of an image made in Python follows the image tools' rule (a photo stays a JPEG at
 * quality 92, anything else is a lossless PNG), applied to the run image the code worked on:
 * a crop or enhancement of a JPEG photo is encoded as the crop tool would encode it. Figures are
 * always PNG (lines and text), and so is anything made without one named source image.
 */
export function formatForReturnedImage(
  image: ReturnedImage,
  sourceMime: string | undefined,
): "image/png" | "image/jpeg" {
  if (image.kind !== "raw" || image.source !== "show" || sourceMime === undefined) return "image/png";
  return outputMimeFor(sourceMime);
}

/** Why a returned image was not added to the run, as a note for the model. */
export interface RefusedReturnedImage {
  refused: string;
}

/**
 * Encodes raw pixels from the sandbox, or re-reads an image file it returned: its bytes come from
 * untrusted code, so sharp reads the real format and size from the file's header instead of
 * trusting the driver, and a file over `maxImagePixels` is refused before anything decodes it
 * (user code can switch off the driver's own check). Files sharp cannot read, in formats models
 * do not accept, or whose data does not decode in full, are refused too.
 */
export async function encodeReturnedImage(
  image: ReturnedImage,
  mime: "image/png" | "image/jpeg",
  maxImagePixels: number,
): Promise<EncodedReturnedImage | RefusedReturnedImage> {
  if (image.kind === "raw") {
    const { width, height, channels } = image;
    // readDriverResponse already dropped larger ones; checked again so this never encodes one.
    if (width * height > maxImagePixels)
      return { refused: tooManyPixels(image.source, width, height, maxImagePixels) };
    const raw = sharp(image.bytes, { raw: { width, height, channels } });
    // One raw channel is grey; without saying so sharp would write it as three.
    const pixels = channels === 1 ? raw.toColourspace("b-w") : raw;
    // A JPEG has no transparency: RGBA is flattened onto white. Opaque pixels skip that pass.
    // (sharp's methods change the pipeline they are called on, so flatten only on the JPEG path.)
    if (mime === "image/jpeg" && channels === 4) pixels.flatten({ background: "#ffffff" });
    const encoded = mime === "image/jpeg" ? pixels.jpeg(fastJpeg) : pixels.png(fastPng);
    const bytes = await encoded.toBuffer();
    return {
      bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length),
      facts: { mime, width, height },
    };
  }
  const unreadable = { refused: `image from ${image.source} dropped: not an image file models can read` };
  let metadata: Awaited<ReturnType<ReturnType<typeof sharp>["metadata"]>>;
  try {
    // Reads the header only: no pixels are decoded here.
    metadata = await sharp(image.bytes).metadata();
  } catch {
    return unreadable;
  }
  const fileMime = mimeOfFormat[metadata.format ?? ""];
  const { width, height } = metadata;
  if (!fileMime || !width || !height) return unreadable;
  if (width * height > maxImagePixels)
    return { refused: tooManyPixels(image.source, width, height, maxImagePixels) };
  // A valid header says nothing of the data after it (a truncated JPEG, a corrupt PNG stream):
  // decode it all, as the model's server will, and refuse it here instead of failing that call.
  try {
    await fullyDecoded(image.bytes, maxImagePixels);
  } catch (error) {
    return { refused: `image from ${image.source} dropped: its pixels do not decode (${firstLine(error)})` };
  }
  // A copy: the bytes are a view into the whole answer, which should not stay alive with them.
  return { bytes: new Uint8Array(image.bytes), facts: { mime: fileMime, width, height } };
}

/**
 * Decodes every byte of an image file into a thumbnail, so nothing large is kept: libvips reads
 * all of the file's data either way (a JPEG's entropy-coded data at 1/8 scale, a PNG's whole
 * zlib stream), and fails on the first error. For a 4240x2700 photo: 16 ms as a JPEG, 200 ms as
 * a PNG, against 290 and 750 ms for stats() over full-size pixels, and no 34 MB buffer as with
 * raw().
 */
async function fullyDecoded(bytes: Uint8Array, maxImagePixels: number): Promise<void> {
  await sharp(bytes, { failOn: "error", limitInputPixels: maxImagePixels })
    .resize({ width: 64, height: 64, fit: "inside", withoutEnlargement: true })
    .raw()
    .toBuffer();
}

/** The decoder's reason on one line: libvips may repeat its warnings over several. */
function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return (message.split("\n").find((line) => line.trim()) ?? "unknown error").trim().slice(0, 200);
}
