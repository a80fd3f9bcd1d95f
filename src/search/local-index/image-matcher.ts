import { DESCRIPTOR_SIZES, type ImageDescriptors, popcount32, WINDOW_COUNT } from "./image-descriptors.js";

/**
 * Reverse image search in two stages.
 * 1. Candidates: every window hash of every indexed image sits in one Uint32Array in memory
 *    (8 bytes per window, 44 windows per image: about 35 MB at 100k images); the query's whole-image
 *    pHash is compared with all of them by popcount. A linear scan is predictable, needs no tuning,
 *    and measured well inside the latency target (see bench/search-index.ts); hash-band indexes only
 *    help for near-exact duplicates, and crops land 6-14 bits away.
 * 2. Re-rank: the best candidates' full descriptors (window colours, dHash, layout) are loaded and
 *    a finer distance decides the order.
 */
const HASH_WORDS_PER_IMAGE = 2 * WINDOW_COUNT;
/** Windows further than this (in bits, of 64) are not considered the same picture. */
export const MATCH_MAX_DISTANCE = 20;

export interface ImageCandidate {
  imageId: number;
  distance: number;
  window: number;
}

export class ImageHashMatrix {
  private imageIds = new Int32Array(1024);
  private hashes = new Uint32Array(1024 * HASH_WORDS_PER_IMAGE);
  private count = 0;
  private readonly rowOfImage = new Map<number, number>();

  get size(): number {
    return this.count;
  }

  add(imageId: number, windowHashes: Uint32Array): void {
    const existing = this.rowOfImage.get(imageId);
    if (existing !== undefined) {
      this.hashes.set(windowHashes, existing * HASH_WORDS_PER_IMAGE);
      return;
    }
    if (this.count === this.imageIds.length) this.grow();
    this.imageIds[this.count] = imageId;
    this.hashes.set(windowHashes, this.count * HASH_WORDS_PER_IMAGE);
    this.rowOfImage.set(imageId, this.count);
    this.count++;
  }

  remove(imageId: number): void {
    const row = this.rowOfImage.get(imageId);
    if (row === undefined) return;
    // Move the last row into the hole so the matrix stays dense.
    const last = this.count - 1;
    if (row !== last) {
      const movedId = this.imageIds[last]!;
      this.imageIds[row] = movedId;
      this.hashes.copyWithin(
        row * HASH_WORDS_PER_IMAGE,
        last * HASH_WORDS_PER_IMAGE,
        this.count * HASH_WORDS_PER_IMAGE,
      );
      this.rowOfImage.set(movedId, row);
    }
    this.rowOfImage.delete(imageId);
    this.count--;
  }

  /** The `limit` images whose closest window is nearest the query hash (at most maxDistance bits). */
  nearest(queryHash: Uint32Array, limit: number, maxDistance = MATCH_MAX_DISTANCE): ImageCandidate[] {
    const high = queryHash[0]!;
    const low = queryHash[1]!;
    const hashes = this.hashes;
    const best: ImageCandidate[] = [];
    let worstKept = maxDistance;
    for (let row = 0; row < this.count; row++) {
      const base = row * HASH_WORDS_PER_IMAGE;
      let rowBest = 65;
      let rowWindow = 0;
      for (let window = 0; window < WINDOW_COUNT; window++) {
        const distance =
          popcount32(hashes[base + 2 * window]! ^ high) + popcount32(hashes[base + 2 * window + 1]! ^ low);
        if (distance < rowBest) {
          rowBest = distance;
          rowWindow = window;
        }
      }
      if (rowBest > worstKept) continue;
      insertSorted(best, { imageId: this.imageIds[row]!, distance: rowBest, window: rowWindow }, limit);
      if (best.length === limit) worstKept = best[best.length - 1]!.distance;
    }
    return best;
  }

  private grow(): void {
    const imageIds = new Int32Array(this.imageIds.length * 2);
    imageIds.set(this.imageIds);
    const hashes = new Uint32Array(this.hashes.length * 2);
    hashes.set(this.hashes);
    this.imageIds = imageIds;
    this.hashes = hashes;
  }
}

function insertSorted(list: ImageCandidate[], candidate: ImageCandidate, limit: number): void {
  let position = list.length;
  while (position > 0 && list[position - 1]!.distance > candidate.distance) position--;
  if (position >= limit) return;
  list.splice(position, 0, candidate);
  if (list.length > limit) list.pop();
}

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
    if (hashDistance > MATCH_MAX_DISTANCE + 4) continue;
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
