import { DESCRIPTOR_SIZES, type ImageDescriptors, popcount32, WINDOW_COUNT } from "./image-descriptors.js";
import { MATCH_MAX_DISTANCE } from "./image-matcher.js";

/**
 * Reverse image search, stage two: a finer distance between the query and each candidate, from
 * the full descriptors read from SQLite.
 */
function hammingAt(a: Uint32Array, aIndex: number, b: Uint32Array, bIndex: number): number {
  return popcount32(a[2 * aIndex]! ^ b[2 * bIndex]!) + popcount32(a[2 * aIndex + 1]! ^ b[2 * bIndex + 1]!);
}

function meanAbsoluteDifference(
  a: Uint8Array,
  aStart: number,
  b: Uint8Array,
  bStart: number,
  length: number,
): number {
  let sum = 0;
  for (let index = 0; index < length; index++) sum += Math.abs(a[aStart + index]! - b[bStart + index]!);
  return sum / length / 255;
}

/**
 * Finer distance between a query and an indexed image, in "bits" so it compares with the hash
 * distance: the best window by pHash plus a colour term (a 10 % colour shift costs about 6 bits).
 * For the whole-image window the dHash, layout grid and histogram also vote, which separates
 * near-duplicates (resizes, recompressions) from merely similar pictures.
 */
export function rerankDistance(
  query: ImageDescriptors,
  indexed: ImageDescriptors,
): { distance: number; window: number } {
  const cells = DESCRIPTOR_SIZES.colourGridCells;
  let best = Number.POSITIVE_INFINITY;
  let bestWindow = 0;
  for (let window = 0; window < WINDOW_COUNT; window++) {
    const hashDistance = hammingAt(query.windowHashes, 0, indexed.windowHashes, window);
    if (hashDistance > MATCH_MAX_DISTANCE) continue;
    const colour = meanAbsoluteDifference(
      query.windowColours,
      0,
      indexed.windowColours,
      window * cells,
      cells,
    );
    let distance = hashDistance + 64 * colour;
    if (window === 0) {
      const difference = hammingAt(query.differenceHash, 0, indexed.differenceHash, 0);
      const layout = meanAbsoluteDifference(query.layout, 0, indexed.layout, 0, DESCRIPTOR_SIZES.layoutCells);
      const histogram = meanAbsoluteDifference(
        query.histogram,
        0,
        indexed.histogram,
        0,
        DESCRIPTOR_SIZES.histogramBins,
      );
      distance = (hashDistance + difference) / 2 + 32 * (colour + layout + histogram);
    }
    if (distance < best) {
      best = distance;
      bestWindow = window;
    }
  }
  return { distance: best, window: bestWindow };
}
