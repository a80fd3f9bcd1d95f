import sharp from "sharp";

/**
 * Compact descriptors for reverse image search. Every image is first reduced to a canonical
 * CANONICAL_SIZE x CANONICAL_SIZE RGB square (aspect ignored), so a resized copy lands on almost the
 * same pixels. From that square we compute:
 * - per window of a multi-scale grid (the whole square, then sub-windows at 80 %, 70 % and 60 %):
 *   a 64-bit DCT perceptual hash and a 2x2 mean-colour grid. A query that is a crop of an indexed
 *   image is compared, whole, against every window, so one window covers about what the crop covers;
 * - for the whole image: a 64-bit difference hash, a 64-bin colour histogram and an 8x8 layout grid
 *   of mean colours, used to re-rank whole-image matches (resizes and recompressions).
 * All of it fits in one fixed-size blob per image (DESCRIPTOR_BYTES).
 */
export const CANONICAL_SIZE = 128;

export interface ImageWindow {
  /** Left and top offsets and side, as fractions of the canonical square. */
  x: number;
  y: number;
  size: number;
}

function gridWindows(size: number, offsets: number[]): ImageWindow[] {
  return offsets.flatMap((y) => offsets.map((x) => ({ x, y, size })));
}

/** Window 0 is always the whole image. */
export const IMAGE_WINDOWS: readonly ImageWindow[] = [
  { x: 0, y: 0, size: 1 },
  ...gridWindows(0.8, [0, 0.1, 0.2]),
  ...gridWindows(0.7, [0, 0.15, 0.3]),
  ...gridWindows(0.6, [0, 0.1, 0.2, 0.3, 0.4]),
];
export const WINDOW_COUNT = IMAGE_WINDOWS.length;

/** 2x2 mean colours per window: enough to tell a red window from a blue one with the same shapes. */
const COLOUR_GRID_CELLS = 2 * 2 * 3;
const LAYOUT_CELLS = 8 * 8 * 3;
const HISTOGRAM_BINS = 64;
const WINDOW_BYTES = 8 + COLOUR_GRID_CELLS;
/** Layout: windows (hash, colour grid) then dHash, histogram, layout grid. */
export const DESCRIPTOR_BYTES = WINDOW_COUNT * WINDOW_BYTES + 8 + HISTOGRAM_BINS + LAYOUT_CELLS;

export interface ImageDescriptors {
  /** Perceptual hash of each window, as [high, low] 32-bit halves: length 2 * WINDOW_COUNT. */
  windowHashes: Uint32Array;
  /** 2x2 RGB mean-colour grid of each window: length COLOUR_GRID_CELLS * WINDOW_COUNT. */
  windowColours: Uint8Array;
  differenceHash: Uint32Array;
  histogram: Uint8Array;
  layout: Uint8Array;
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

export async function describeImage(input: Uint8Array | string): Promise<ImageDescriptors> {
  const { pixels, width, height } = await canonicalPixels(input);
  return describeCanonicalPixels(pixels, width, height);
}

/** Descriptors of pixels already in canonical form (CANONICAL_SIZE square, RGB). */
export function describeCanonicalPixels(pixels: Uint8Array, width: number, height: number): ImageDescriptors {
  const luminance = integralImage(toLuminance(pixels), 1);
  const colour = integralImage(pixels, 3);
  const windowHashes = new Uint32Array(2 * WINDOW_COUNT);
  const windowColours = new Uint8Array(COLOUR_GRID_CELLS * WINDOW_COUNT);
  IMAGE_WINDOWS.forEach((window, index) => {
    const left = Math.round(window.x * CANONICAL_SIZE);
    const top = Math.round(window.y * CANONICAL_SIZE);
    const side = Math.round(window.size * CANONICAL_SIZE);
    const hash = perceptualHash(areaResample(luminance, 1, left, top, side, 32));
    windowHashes[2 * index] = hash[0]!;
    windowHashes[2 * index + 1] = hash[1]!;
    const colours = areaResample(colour, 3, left, top, side, 2);
    for (let cell = 0; cell < COLOUR_GRID_CELLS; cell++) {
      windowColours[index * COLOUR_GRID_CELLS + cell] = Math.round(colours[cell]!);
    }
  });
  const layoutValues = areaResample(colour, 3, 0, 0, CANONICAL_SIZE, 8);
  return {
    windowHashes,
    windowColours,
    differenceHash: differenceHash(areaResample(luminance, 1, 0, 0, CANONICAL_SIZE, 9, 8)),
    histogram: colourHistogram(pixels),
    layout: Uint8Array.from(layoutValues, (value) => Math.round(value)),
    width,
    height,
  };
}

function toLuminance(pixels: Uint8Array): Float32Array {
  const luminance = new Float32Array(pixels.length / 3);
  for (let index = 0; index < luminance.length; index++) {
    luminance[index] =
      0.299 * pixels[3 * index]! + 0.587 * pixels[3 * index + 1]! + 0.114 * pixels[3 * index + 2]!;
  }
  return luminance;
}

/**
 * Summed-area table of a CANONICAL_SIZE image with `channels` interleaved channels, one row and
 * column larger: any box average then costs four lookups, which keeps 44 windows cheap.
 */
function integralImage(source: Uint8Array | Float32Array, channels: number): Float64Array {
  const stride = CANONICAL_SIZE + 1;
  const table = new Float64Array(stride * stride * channels);
  for (let y = 0; y < CANONICAL_SIZE; y++) {
    for (let channel = 0; channel < channels; channel++) {
      let rowSum = 0;
      for (let x = 0; x < CANONICAL_SIZE; x++) {
        rowSum += source[(y * CANONICAL_SIZE + x) * channels + channel]!;
        table[((y + 1) * stride + x + 1) * channels + channel] =
          table[(y * stride + x + 1) * channels + channel]! + rowSum;
      }
    }
  }
  return table;
}

/**
 * Averages a square region of the image behind `table` (an integralImage) down to
 * outputWidth x outputHeight cells. Box boundaries are whole pixels: cheap, and the same rounding
 * applies to indexed images and queries.
 */
function areaResample(
  table: Float64Array,
  channels: number,
  left: number,
  top: number,
  side: number,
  outputWidth: number,
  outputHeight = outputWidth,
): Float32Array {
  const stride = CANONICAL_SIZE + 1;
  const output = new Float32Array(outputWidth * outputHeight * channels);
  for (let row = 0; row < outputHeight; row++) {
    const y0 = top + Math.floor((row * side) / outputHeight);
    const y1 = Math.max(y0 + 1, top + Math.floor(((row + 1) * side) / outputHeight));
    for (let column = 0; column < outputWidth; column++) {
      const x0 = left + Math.floor((column * side) / outputWidth);
      const x1 = Math.max(x0 + 1, left + Math.floor(((column + 1) * side) / outputWidth));
      const count = (y1 - y0) * (x1 - x0);
      for (let channel = 0; channel < channels; channel++) {
        const sum =
          table[(y1 * stride + x1) * channels + channel]! -
          table[(y0 * stride + x1) * channels + channel]! -
          table[(y1 * stride + x0) * channels + channel]! +
          table[(y0 * stride + x0) * channels + channel]!;
        output[(row * outputWidth + column) * channels + channel] = sum / count;
      }
    }
  }
  return output;
}

const DCT_SIZE = 32;
const DCT_KEEP = 8;
/** cosine table: DCT_KEEP rows of DCT_SIZE basis values. */
const DCT_BASIS = (() => {
  const table = new Float64Array(DCT_KEEP * DCT_SIZE);
  for (let frequency = 0; frequency < DCT_KEEP; frequency++) {
    for (let sample = 0; sample < DCT_SIZE; sample++) {
      table[frequency * DCT_SIZE + sample] = Math.cos(
        ((2 * sample + 1) * frequency * Math.PI) / (2 * DCT_SIZE),
      );
    }
  }
  return table;
})();

/** pHash: the 8x8 lowest frequencies of a 32x32 DCT, each bit = coefficient above their median. */
function perceptualHash(block: Float32Array): Uint32Array {
  const rowsTransformed = new Float64Array(DCT_SIZE * DCT_KEEP);
  for (let row = 0; row < DCT_SIZE; row++) {
    for (let frequency = 0; frequency < DCT_KEEP; frequency++) {
      let sum = 0;
      for (let sample = 0; sample < DCT_SIZE; sample++) {
        sum += block[row * DCT_SIZE + sample]! * DCT_BASIS[frequency * DCT_SIZE + sample]!;
      }
      rowsTransformed[row * DCT_KEEP + frequency] = sum;
    }
  }
  const coefficients = new Float64Array(DCT_KEEP * DCT_KEEP);
  for (let vertical = 0; vertical < DCT_KEEP; vertical++) {
    for (let horizontal = 0; horizontal < DCT_KEEP; horizontal++) {
      let sum = 0;
      for (let row = 0; row < DCT_SIZE; row++) {
        sum += rowsTransformed[row * DCT_KEEP + horizontal]! * DCT_BASIS[vertical * DCT_SIZE + row]!;
      }
      coefficients[vertical * DCT_KEEP + horizontal] = sum;
    }
  }
  // The DC term only says how bright the window is; leave it out of the median.
  const median = Array.from(coefficients.subarray(1)).sort((a, b) => a - b)[31]!;
  return bitsToHash((index) => coefficients[index]! > median);
}

/** dHash: 8 rows of 9 samples, each bit = brighter than its right neighbour. */
function differenceHash(samples: Float32Array): Uint32Array {
  return bitsToHash((index) => {
    const row = Math.floor(index / 8);
    const column = index % 8;
    return samples[row * 9 + column]! > samples[row * 9 + column + 1]!;
  });
}

function bitsToHash(bit: (index: number) => boolean): Uint32Array {
  const hash = new Uint32Array(2);
  for (let index = 0; index < 64; index++) {
    if (bit(index)) hash[index >> 5]! |= 1 << (31 - (index & 31));
  }
  return hash;
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

export function popcount32(value: number): number {
  let bits = value - ((value >>> 1) & 0x55555555);
  bits = (bits & 0x33333333) + ((bits >>> 2) & 0x33333333);
  return (((bits + (bits >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
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
    width,
    height,
  };
}

export const DESCRIPTOR_SIZES = {
  colourGridCells: COLOUR_GRID_CELLS,
  layoutCells: LAYOUT_CELLS,
  histogramBins: HISTOGRAM_BINS,
};
