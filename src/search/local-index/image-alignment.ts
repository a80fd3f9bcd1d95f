import { THUMBNAIL_SIZE } from "./image-descriptors.js";
import type { ImageWindow } from "./image-windows.js";

/**
 * Verification of a candidate by alignment: the query's grey thumbnail is compared by normalized
 * cross-correlation (NCC) with the region of the candidate's thumbnail it would be a crop of. The
 * region starts at the window the hash scan matched and is refined by hill climbing over offset
 * and scale, so a crop that fell between grid windows still lines up to within a pixel of the
 * 32 px thumbnail. NCC ignores brightness and contrast changes, and near 1 means the same picture.
 */
const SAMPLES = 16;
const SAMPLE_COUNT = SAMPLES * SAMPLES;
const MIN_SCALE = 0.4;
/** Refinement steps, in fractions of the candidate's side; halved once the climb stalls. */
const OFFSET_STEP = 1 / THUMBNAIL_SIZE;
const SCALE_STEP = 0.03;
const MAX_MOVES = 16;

/** The query thumbnail reduced to SAMPLES x SAMPLES, zero mean and unit norm (NCC's query side). */
export function alignmentQuery(thumbnail: Uint8Array): Float32Array {
  const factor = THUMBNAIL_SIZE / SAMPLES;
  const values = new Float32Array(SAMPLE_COUNT);
  for (let row = 0; row < SAMPLES; row++) {
    for (let column = 0; column < SAMPLES; column++) {
      let sum = 0;
      for (let dy = 0; dy < factor; dy++)
        for (let dx = 0; dx < factor; dx++)
          sum += thumbnail[(row * factor + dy) * THUMBNAIL_SIZE + column * factor + dx]!;
      values[row * SAMPLES + column] = sum;
    }
  }
  let mean = 0;
  for (const value of values) mean += value / SAMPLE_COUNT;
  let norm = 0;
  for (let index = 0; index < SAMPLE_COUNT; index++) {
    values[index]! -= mean;
    norm += values[index]! ** 2;
  }
  // A flat query (one colour) has no structure to align; leave it all zeros, so NCC reads 0.
  const scale = norm > 1e-6 ? 1 / Math.sqrt(norm) : 0;
  for (let index = 0; index < SAMPLE_COUNT; index++) values[index]! *= scale;
  return values;
}

/** NCC of the query with the candidate's region (x, y, size as fractions), sampled bilinearly. */
function correlationAt(
  query: Float32Array,
  thumbnail: Uint8Array,
  x: number,
  y: number,
  size: number,
): number {
  let sum = 0;
  let sumSquares = 0;
  let product = 0;
  const step = (size * THUMBNAIL_SIZE) / SAMPLES;
  const last = THUMBNAIL_SIZE - 1;
  for (let row = 0; row < SAMPLES; row++) {
    const sampleY = Math.min(last, Math.max(0, y * THUMBNAIL_SIZE + (row + 0.5) * step - 0.5));
    const y0 = Math.min(last - 1, Math.floor(sampleY));
    const fy = sampleY - y0;
    for (let column = 0; column < SAMPLES; column++) {
      const sampleX = Math.min(last, Math.max(0, x * THUMBNAIL_SIZE + (column + 0.5) * step - 0.5));
      const x0 = Math.min(last - 1, Math.floor(sampleX));
      const fx = sampleX - x0;
      const top =
        thumbnail[y0 * THUMBNAIL_SIZE + x0]! * (1 - fx) + thumbnail[y0 * THUMBNAIL_SIZE + x0 + 1]! * fx;
      const bottom =
        thumbnail[(y0 + 1) * THUMBNAIL_SIZE + x0]! * (1 - fx) +
        thumbnail[(y0 + 1) * THUMBNAIL_SIZE + x0 + 1]! * fx;
      const value = top * (1 - fy) + bottom * fy;
      sum += value;
      sumSquares += value * value;
      product += value * query[row * SAMPLES + column]!;
    }
  }
  const variance = sumSquares - (sum * sum) / SAMPLE_COUNT;
  return variance > 1e-6 ? product / Math.sqrt(variance) : 0;
}

export interface Alignment {
  correlation: number;
  region: ImageWindow;
}

/** The best NCC found by climbing from `start` (usually the window the hash scan matched). */
export function alignToCandidate(query: Float32Array, thumbnail: Uint8Array, start: ImageWindow): Alignment {
  let { x, y, size } = start;
  let best = correlationAt(query, thumbnail, x, y, size);
  let offsetStep = OFFSET_STEP;
  let scaleStep = SCALE_STEP;
  for (let move = 0; move < MAX_MOVES; move++) {
    let next: ImageWindow | undefined;
    for (const [dx, dy, ds] of NEIGHBOURS) {
      const candidateSize = Math.min(1, Math.max(MIN_SCALE, size + ds * scaleStep));
      // Keep the region's centre when the scale changes, and the region inside the image.
      const centreShift = (size - candidateSize) / 2;
      const candidateX = clamp(x + centreShift + dx * offsetStep, 0, 1 - candidateSize);
      const candidateY = clamp(y + centreShift + dy * offsetStep, 0, 1 - candidateSize);
      const correlation = correlationAt(query, thumbnail, candidateX, candidateY, candidateSize);
      if (correlation > best + 1e-4) {
        best = correlation;
        next = { x: candidateX, y: candidateY, size: candidateSize };
      }
    }
    if (next) ({ x, y, size } = next);
    else if (offsetStep === OFFSET_STEP) {
      offsetStep /= 2;
      scaleStep /= 2;
    } else break;
  }
  return { correlation: best, region: { x, y, size } };
}

const NEIGHBOURS: readonly [number, number, number][] = [
  [1, 0, 0],
  [-1, 0, 0],
  [0, 1, 0],
  [0, -1, 0],
  [0, 0, 1],
  [0, 0, -1],
];

function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, value));
}
