import sharp from "sharp";
import { IMAGE_WINDOWS, WINDOW_COUNT } from "./image-windows.js";
/**
 * Compact descriptors for reverse image search. Every image is first reduced to a canonical
 * CANONICAL_SIZE x CANONICAL_SIZE RGB square (aspect ignored), so a resized copy lands on almost the
 * same pixels. From that square we compute:
 * - per window of a multi-scale grid (the whole square, then sub-windows at 90 % to 60 %, see
 *   image-windows.ts):
 *   a 64-bit DCT perceptual hash and a 2x2 mean-colour grid. A query that is a crop of an indexed
 *   image is compared, whole, against every window, so one window covers about what the crop covers;
 * - for the whole image: a 64-bit difference hash, a 64-bin colour histogram and an 8x8 layout grid
 *   of mean colours, used to re-rank whole-image matches (resizes and recompressions);
 * - a THUMBNAIL_SIZE grey thumbnail, against which a query is aligned (offset and scale searched)
 *   to verify candidates: see image-alignment.ts.
 * All of it fits in one fixed-size blob per image (DESCRIPTOR_BYTES).
 */
import {
  areaResample,
  CANONICAL_SIZE,
  DCT_SIZE,
  differenceHash,
  integralImage,
  perceptualHash,
  toLuminance,
} from "./pixel-reductions.js";

export { IMAGE_WINDOWS, type ImageWindow, WINDOW_COUNT, WINDOW_GROUPS } from "./image-windows.js";
export { CANONICAL_SIZE, popcount32 } from "./pixel-reductions.js";

/** 2x2 mean colours per window: enough to tell a red window from a blue one with the same shapes. */
const COLOUR_GRID_CELLS = 2 * 2 * 3;
const LAYOUT_CELLS = 8 * 8 * 3;
const HISTOGRAM_BINS = 64;
const WINDOW_BYTES = 8 + COLOUR_GRID_CELLS;
export const THUMBNAIL_SIZE = 32;
const THUMBNAIL_BYTES = THUMBNAIL_SIZE * THUMBNAIL_SIZE;
/** Layout: windows (hash, colour grid) then dHash, histogram, layout grid, thumbnail. */
export const DESCRIPTOR_BYTES =
  WINDOW_COUNT * WINDOW_BYTES + 8 + HISTOGRAM_BINS + LAYOUT_CELLS + THUMBNAIL_BYTES;

export interface ImageDescriptors {
  /** Perceptual hash of each window, as [high, low] 32-bit halves: length 2 * WINDOW_COUNT. */
  windowHashes: Uint32Array;
  /** 2x2 RGB mean-colour grid of each window: length COLOUR_GRID_CELLS * WINDOW_COUNT. */
  windowColours: Uint8Array;
  differenceHash: Uint32Array;
  histogram: Uint8Array;
  layout: Uint8Array;
  /** THUMBNAIL_SIZE x THUMBNAIL_SIZE grey levels of the whole canonical square. */
  thumbnail: Uint8Array;
  width: number;
  height: number;
}

/** Decodes any image sharp reads and reduces it to the canonical RGB square. */
export async function canonicalPixels(
  input: Uint8Array | string,
): Promise<{ pixels: Uint8Array; width: number; height: number }> {
  const image = sharp(input, { failOn: "error" }).rotate();
  const metadata = await image.metadata();
  const pixels = await image
    .resize(CANONICAL_SIZE, CANONICAL_SIZE, { fit: "fill", kernel: "cubic" })
    .removeAlpha()
    .toColourspace("srgb")
    .raw()
    .toBuffer();
  const swapped = (metadata.orientation ?? 1) >= 5;
  const width = metadata.width ?? 0;
  const height = metadata.height ?? 0;
  return {
    pixels: new Uint8Array(pixels),
    width: swapped ? height : width,
    height: swapped ? width : height,
  };
}

/**
 * `windows: "whole"` hashes only window 0: a query is compared whole against indexed windows, so
 * its other windows are never read (and cost most of the describing time).
 */
export async function describeImage(
  input: Uint8Array | string,
  windows: "all" | "whole" = "all",
): Promise<ImageDescriptors> {
  const { pixels, width, height } = await canonicalPixels(input);
  return describeCanonicalPixels(pixels, width, height, windows);
}

const hashBlock = new Float32Array(DCT_SIZE * DCT_SIZE);
const colourBlock = new Float32Array(COLOUR_GRID_CELLS);

/** Descriptors of pixels already in canonical form (CANONICAL_SIZE square, RGB). */
export function describeCanonicalPixels(
  pixels: Uint8Array,
  width: number,
  height: number,
  windows: "all" | "whole" = "all",
): ImageDescriptors {
  const luminance = integralImage(toLuminance(pixels), 1);
  const colour = integralImage(pixels, 3);
  const windowHashes = new Uint32Array(2 * WINDOW_COUNT);
  const windowColours = new Uint8Array(COLOUR_GRID_CELLS * WINDOW_COUNT);
  const hashed = windows === "all" ? WINDOW_COUNT : 1;
  for (let index = 0; index < hashed; index++) {
    const window = IMAGE_WINDOWS[index]!;
    const left = Math.round(window.x * CANONICAL_SIZE);
    const top = Math.round(window.y * CANONICAL_SIZE);
    const side = Math.round(window.size * CANONICAL_SIZE);
    perceptualHash(
      areaResample(luminance, 1, left, top, side, DCT_SIZE, DCT_SIZE, hashBlock),
      windowHashes,
      2 * index,
    );
    areaResample(colour, 3, left, top, side, 2, 2, colourBlock);
    for (let cell = 0; cell < COLOUR_GRID_CELLS; cell++) {
      windowColours[index * COLOUR_GRID_CELLS + cell] = Math.round(colourBlock[cell]!);
    }
  }
  const layoutValues = areaResample(colour, 3, 0, 0, CANONICAL_SIZE, 8);
  const thumbnailValues = areaResample(luminance, 1, 0, 0, CANONICAL_SIZE, THUMBNAIL_SIZE);
  return {
    windowHashes,
    windowColours,
    differenceHash: differenceHash(areaResample(luminance, 1, 0, 0, CANONICAL_SIZE, 9, 8)),
    histogram: colourHistogram(pixels),
    layout: Uint8Array.from(layoutValues, (value) => Math.round(value)),
    thumbnail: Uint8Array.from(thumbnailValues, (value) => Math.round(value)),
    width,
    height,
  };
}

/** 4 levels per channel; bins scaled so the fullest bin is 255 (shape matters, not pixel count). */
function colourHistogram(pixels: Uint8Array): Uint8Array {
  const counts = new Float64Array(HISTOGRAM_BINS);
  for (let index = 0; index < pixels.length; index += 3) {
    counts[(pixels[index]! >> 6) * 16 + (pixels[index + 1]! >> 6) * 4 + (pixels[index + 2]! >> 6)]! += 1;
  }
  const total = pixels.length / 3;
  // Square root compresses dominant colours so small regions still count.
  return Uint8Array.from(counts, (count) => Math.round(Math.sqrt(count / total) * 255));
}

export function encodeDescriptors(descriptors: ImageDescriptors): Buffer {
  const buffer = Buffer.alloc(DESCRIPTOR_BYTES);
  let offset = 0;
  for (let index = 0; index < WINDOW_COUNT; index++) {
    buffer.writeUInt32BE(descriptors.windowHashes[2 * index]!, offset);
    buffer.writeUInt32BE(descriptors.windowHashes[2 * index + 1]!, offset + 4);
    buffer.set(
      descriptors.windowColours.subarray(index * COLOUR_GRID_CELLS, (index + 1) * COLOUR_GRID_CELLS),
      offset + 8,
    );
    offset += WINDOW_BYTES;
  }
  buffer.writeUInt32BE(descriptors.differenceHash[0]!, offset);
  buffer.writeUInt32BE(descriptors.differenceHash[1]!, offset + 4);
  buffer.set(descriptors.histogram, offset + 8);
  buffer.set(descriptors.layout, offset + 8 + HISTOGRAM_BINS);
  buffer.set(descriptors.thumbnail, offset + 8 + HISTOGRAM_BINS + LAYOUT_CELLS);
  return buffer;
}

export function decodeDescriptors(buffer: Uint8Array, width: number, height: number): ImageDescriptors {
  const view = Buffer.from(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  const windowHashes = new Uint32Array(2 * WINDOW_COUNT);
  const windowColours = new Uint8Array(COLOUR_GRID_CELLS * WINDOW_COUNT);
  let offset = 0;
  for (let index = 0; index < WINDOW_COUNT; index++) {
    windowHashes[2 * index] = view.readUInt32BE(offset);
    windowHashes[2 * index + 1] = view.readUInt32BE(offset + 4);
    windowColours.set(view.subarray(offset + 8, offset + WINDOW_BYTES), index * COLOUR_GRID_CELLS);
    offset += WINDOW_BYTES;
  }
  return {
    windowHashes,
    windowColours,
    differenceHash: Uint32Array.of(view.readUInt32BE(offset), view.readUInt32BE(offset + 4)),
    histogram: new Uint8Array(view.subarray(offset + 8, offset + 8 + HISTOGRAM_BINS)),
    layout: new Uint8Array(
      view.subarray(offset + 8 + HISTOGRAM_BINS, offset + 8 + HISTOGRAM_BINS + LAYOUT_CELLS),
    ),
    thumbnail: new Uint8Array(
      view.subarray(
        offset + 8 + HISTOGRAM_BINS + LAYOUT_CELLS,
        offset + 8 + HISTOGRAM_BINS + LAYOUT_CELLS + THUMBNAIL_BYTES,
      ),
    ),
    width,
    height,
  };
}

export const DESCRIPTOR_SIZES = {
  colourGridCells: COLOUR_GRID_CELLS,
  layoutCells: LAYOUT_CELLS,
  histogramBins: HISTOGRAM_BINS,
};
