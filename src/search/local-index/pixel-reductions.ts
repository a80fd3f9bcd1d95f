/**
 * The arithmetic behind the image descriptors: summed-area tables of the canonical square, box
 * averages of any square region, and the 64-bit hashes (DCT pHash, dHash). Written with typed
 * arrays and reused scratch buffers because ingest hashes 69 windows per image.
 */
export const CANONICAL_SIZE = 128;
const STRIDE = CANONICAL_SIZE + 1;

export function toLuminance(pixels: Uint8Array): Float32Array {
  const luminance = new Float32Array(pixels.length / 3);
  for (let index = 0; index < luminance.length; index++) {
    luminance[index] =
      0.299 * pixels[3 * index]! + 0.587 * pixels[3 * index + 1]! + 0.114 * pixels[3 * index + 2]!;
  }
  return luminance;
}

/**
 * Summed-area table of a CANONICAL_SIZE image with `channels` interleaved channels, one row and
 * column larger: any box average then costs four lookups, which keeps many windows cheap.
 */
export function integralImage(source: Uint8Array | Float32Array, channels: number): Float64Array {
  const table = new Float64Array(STRIDE * STRIDE * channels);
  for (let y = 0; y < CANONICAL_SIZE; y++) {
    for (let channel = 0; channel < channels; channel++) {
      let rowSum = 0;
      for (let x = 0; x < CANONICAL_SIZE; x++) {
        rowSum += source[(y * CANONICAL_SIZE + x) * channels + channel]!;
        table[((y + 1) * STRIDE + x + 1) * channels + channel] =
          table[(y * STRIDE + x + 1) * channels + channel]! + rowSum;
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
export function areaResample(
  table: Float64Array,
  channels: number,
  left: number,
  top: number,
  side: number,
  outputWidth: number,
  outputHeight = outputWidth,
  output = new Float32Array(outputWidth * outputHeight * channels),
): Float32Array {
  for (let row = 0; row < outputHeight; row++) {
    const y0 = top + Math.floor((row * side) / outputHeight);
    const y1 = Math.max(y0 + 1, top + Math.floor(((row + 1) * side) / outputHeight));
    for (let column = 0; column < outputWidth; column++) {
      const x0 = left + Math.floor((column * side) / outputWidth);
      const x1 = Math.max(x0 + 1, left + Math.floor(((column + 1) * side) / outputWidth));
      const count = (y1 - y0) * (x1 - x0);
      for (let channel = 0; channel < channels; channel++) {
        const sum =
          table[(y1 * STRIDE + x1) * channels + channel]! -
          table[(y0 * STRIDE + x1) * channels + channel]! -
          table[(y1 * STRIDE + x0) * channels + channel]! +
          table[(y0 * STRIDE + x0) * channels + channel]!;
        output[(row * outputWidth + column) * channels + channel] = sum / count;
      }
    }
  }
  return output;
}

export const DCT_SIZE = 16;
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
const rowsTransformed = new Float64Array(DCT_SIZE * DCT_KEEP);
const coefficients = new Float64Array(DCT_KEEP * DCT_KEEP);
const sortedAcs = new Float64Array(DCT_KEEP * DCT_KEEP - 1);

/**
 * pHash of a DCT_SIZE x DCT_SIZE block: the 8x8 lowest frequencies of its DCT, each bit = the
 * coefficient above their median. Writes the [high, low] halves into `output` at `at`.
 */
export function perceptualHash(block: Float32Array, output: Uint32Array, at: number): void {
  for (let row = 0; row < DCT_SIZE; row++) {
    const rowStart = row * DCT_SIZE;
    for (let frequency = 0; frequency < DCT_KEEP; frequency++) {
      const basisStart = frequency * DCT_SIZE;
      let sum = 0;
      for (let sample = 0; sample < DCT_SIZE; sample++)
        sum += block[rowStart + sample]! * DCT_BASIS[basisStart + sample]!;
      rowsTransformed[row * DCT_KEEP + frequency] = sum;
    }
  }
  for (let vertical = 0; vertical < DCT_KEEP; vertical++) {
    for (let horizontal = 0; horizontal < DCT_KEEP; horizontal++) {
      let sum = 0;
      for (let row = 0; row < DCT_SIZE; row++)
        sum += rowsTransformed[row * DCT_KEEP + horizontal]! * DCT_BASIS[vertical * DCT_SIZE + row]!;
      coefficients[vertical * DCT_KEEP + horizontal] = sum;
    }
  }
  // The DC term only says how bright the window is; leave it out of the median.
  sortedAcs.set(coefficients.subarray(1));
  sortedAcs.sort();
  const median = sortedAcs[31]!;
  let high = 0;
  let low = 0;
  for (let index = 0; index < 32; index++) if (coefficients[index]! > median) high |= 1 << (31 - index);
  for (let index = 32; index < 64; index++) if (coefficients[index]! > median) low |= 1 << (63 - index);
  output[at] = high >>> 0;
  output[at + 1] = low >>> 0;
}

/** dHash: 8 rows of 9 samples, each bit = brighter than its right neighbour. */
export function differenceHash(samples: Float32Array): Uint32Array {
  const hash = new Uint32Array(2);
  for (let index = 0; index < 64; index++) {
    const row = Math.floor(index / 8);
    const column = index % 8;
    if (samples[row * 9 + column]! > samples[row * 9 + column + 1]!)
      hash[index >> 5]! |= 1 << (31 - (index & 31));
  }
  return hash;
}

export function popcount32(value: number): number {
  let bits = value - ((value >>> 1) & 0x55555555);
  bits = (bits & 0x33333333) + ((bits >>> 2) & 0x33333333);
  return (((bits + (bits >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}
