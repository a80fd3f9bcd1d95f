import { type ImageDescriptors, popcount32, WINDOW_COUNT, WINDOW_GROUPS } from "./image-descriptors.js";

/**
 * Reverse image search, stage one: candidates. Every window of every indexed image is in memory as
 * its 64-bit pHash (8 bytes) and its mean colour (3 bytes): 69 windows plus group summaries, about
 * 0.9 KB per image (120 MB at 100k images, with the arrays' growth slack). The query's whole-image
 * hash and mean colour are compared with each window; an image scores by its best window: Hamming
 * distance plus COLOUR_WEIGHT per unit of mean colour difference (summed over R, G, B). The colour
 * term matters at scale: with dozens of windows per image some unrelated window is often within
 * 10-12 bits of the query, but rarely of the same colour.
 *
 * The scan is linear (it keeps recall when crops land 6-14 bits away, where hash-band indexes
 * miss) and pruned without losing anything: each group of neighbouring windows (image-windows.ts)
 * has a pivot (the bitwise majority of its hashes), a radius (its furthest member from the pivot)
 * and the range of its members' mean colours; each image has the range of all its windows' colours.
 * No member can score below
 * max(0, distance(query, pivot) - radius) + COLOUR_WEIGHT * (colour distance to the range), so
 * when that bound is no better than what the scan already holds, the members are not compared.
 */
const HASH_WORDS_PER_IMAGE = 2 * WINDOW_COUNT;
const GROUP_COUNT = WINDOW_GROUPS.length;
const GROUP_STARTS = Int32Array.from(WINDOW_GROUPS, (group) => group[0]!);
const GROUP_ENDS = Int32Array.from(WINDOW_GROUPS, (group) => group[group.length - 1]! + 1);
for (const [index, group] of WINDOW_GROUPS.entries()) {
  // The scan walks a group as the range [start, end): groups must be contiguous.
  if (group.some((window, position) => window !== GROUP_STARTS[index]! + position))
    throw new Error("image window groups must be contiguous ranges");
}
/**
 * Per group: pivot hash (2 words); radius; colour range (R, G, B minima then maxima). The row's
 * whole colour range comes first (6 bytes), so most unrelated images are skipped on it alone.
 */
const PIVOT_WORDS = 2 * GROUP_COUNT;
const RANGE_BYTES = 6 * (GROUP_COUNT + 1);
/**
 * Bits of score per unit of mean colour difference (0-765): a window 20 units off in colour costs
 * 10 bits. Mean colours survive resizing and recompression, and a crop's mean is close to that of
 * the window covering it; a weight this strong is also what lets the colour ranges prune most
 * images (measured at 100k: scan time 60 ms at 1/24, 40 at 1/3, 20 at 1/2, recall unchanged).
 */
export const COLOUR_WEIGHT = 1 / 2;
/**
 * Scores above this are not considered the same picture. A crop that also changes the aspect ratio
 * (70 % of the width, 88 % of the height, say) scores up to about 21: its square-window hash is
 * 16 bits off and its colour a few units.
 */
export const MATCH_MAX_DISTANCE = 24;
const COLOUR_GRID_CELLS = 12;

export interface ImageCandidate {
  imageId: number;
  /** Hash distance of the best window plus its colour term. */
  distance: number;
  window: number;
}

type WindowDescriptors = Pick<ImageDescriptors, "windowHashes" | "windowColours">;

/** Mean R, G, B of each window from its 2x2 colour grid. */
function meanColours(windowColours: Uint8Array, windows: number): Uint8Array {
  const means = new Uint8Array(3 * windows);
  for (let window = 0; window < windows; window++) {
    for (let channel = 0; channel < 3; channel++) {
      let sum = 0;
      for (let cell = 0; cell < 4; cell++)
        sum += windowColours[window * COLOUR_GRID_CELLS + cell * 3 + channel]!;
      means[3 * window + channel] = Math.round(sum / 4);
    }
  }
  return means;
}

export class ImageHashMatrix {
  private capacity = 1024;
  private imageIds = new Int32Array(this.capacity);
  private hashes = new Uint32Array(this.capacity * HASH_WORDS_PER_IMAGE);
  private colours = new Uint8Array(this.capacity * 3 * WINDOW_COUNT);
  private pivots = new Uint32Array(this.capacity * PIVOT_WORDS);
  private radii = new Uint8Array(this.capacity * GROUP_COUNT);
  private ranges = new Uint8Array(this.capacity * RANGE_BYTES);
  private count = 0;
  private readonly rowOfImage = new Map<number, number>();

  get size(): number {
    return this.count;
  }

  /** Bytes held by the matrix (for stats and the benchmark). */
  get bytes(): number {
    return (
      this.capacity *
      (4 + 4 * HASH_WORDS_PER_IMAGE + 3 * WINDOW_COUNT + 4 * PIVOT_WORDS + GROUP_COUNT + RANGE_BYTES)
    );
  }

  add(imageId: number, descriptors: WindowDescriptors): void {
    let row = this.rowOfImage.get(imageId);
    if (row === undefined) {
      if (this.count === this.capacity) this.grow();
      row = this.count++;
      this.imageIds[row] = imageId;
      this.rowOfImage.set(imageId, row);
    }
    this.hashes.set(descriptors.windowHashes, row * HASH_WORDS_PER_IMAGE);
    this.colours.set(meanColours(descriptors.windowColours, WINDOW_COUNT), row * 3 * WINDOW_COUNT);
    this.summarizeGroups(row);
    this.summarizeRow(row);
  }

  remove(imageId: number): void {
    const row = this.rowOfImage.get(imageId);
    if (row === undefined) return;
    // Move the last row into the hole so the matrix stays dense.
    const last = this.count - 1;
    if (row !== last) {
      const movedId = this.imageIds[last]!;
      this.imageIds[row] = movedId;
      for (const [array, width] of this.rowArrays())
        array.copyWithin(row * width, last * width, (last + 1) * width);
      this.rowOfImage.set(movedId, row);
    }
    this.rowOfImage.delete(imageId);
    this.count--;
  }

  /** The `limit` best-scoring images (score at most maxDistance), best first. */
  nearest(query: WindowDescriptors, limit: number, maxDistance = MATCH_MAX_DISTANCE): ImageCandidate[] {
    const high = query.windowHashes[0]!;
    const low = query.windowHashes[1]!;
    const [red, green, blue] = meanColours(query.windowColours, 1);
    const { hashes, colours, pivots, radii, ranges } = this;
    const best: ImageCandidate[] = [];
    // Scores must stay strictly below `worstKept` to enter the list.
    let worstKept = maxDistance + 1e-9;
    for (let row = 0; row < this.count; row++) {
      let rowBest = worstKept;
      let rowWindow = -1;
      const rowRange = row * RANGE_BYTES;
      const rowColourBound =
        COLOUR_WEIGHT *
        (outside(red!, ranges[rowRange]!, ranges[rowRange + 3]!) +
          outside(green!, ranges[rowRange + 1]!, ranges[rowRange + 4]!) +
          outside(blue!, ranges[rowRange + 2]!, ranges[rowRange + 5]!));
      if (rowColourBound >= rowBest) continue;
      for (let group = 0; group < GROUP_COUNT; group++) {
        const range = rowRange + 6 * (group + 1);
        const colourBound =
          COLOUR_WEIGHT *
          (outside(red!, ranges[range]!, ranges[range + 3]!) +
            outside(green!, ranges[range + 1]!, ranges[range + 4]!) +
            outside(blue!, ranges[range + 2]!, ranges[range + 5]!));
        if (colourBound >= rowBest) continue;
        const pivot = row * PIVOT_WORDS + 2 * group;
        const pivotDistance = popcount32(pivots[pivot]! ^ high) + popcount32(pivots[pivot + 1]! ^ low);
        const hashBound = pivotDistance - radii[row * GROUP_COUNT + group]!;
        if ((hashBound > 0 ? hashBound : 0) + colourBound >= rowBest) continue;
        const end = GROUP_ENDS[group]!;
        for (let window = GROUP_STARTS[group]!; window < end; window++) {
          const at = row * HASH_WORDS_PER_IMAGE + 2 * window;
          const highDistance = popcount32(hashes[at]! ^ high);
          if (highDistance >= rowBest) continue;
          const hashDistance = highDistance + popcount32(hashes[at + 1]! ^ low);
          if (hashDistance >= rowBest) continue;
          const colourAt = 3 * (row * WINDOW_COUNT + window);
          const score =
            hashDistance +
            COLOUR_WEIGHT *
              (Math.abs(colours[colourAt]! - red!) +
                Math.abs(colours[colourAt + 1]! - green!) +
                Math.abs(colours[colourAt + 2]! - blue!));
          if (score < rowBest) {
            rowBest = score;
            rowWindow = window;
          }
        }
      }
      if (rowWindow < 0) continue;
      insertSorted(best, { imageId: this.imageIds[row]!, distance: rowBest, window: rowWindow }, limit);
      if (best.length === limit) worstKept = best[limit - 1]!.distance;
    }
    return best;
  }

  /** Pivot (bitwise majority), radius and colour range of each window group of a row. */
  private summarizeGroups(row: number): void {
    const hashes = this.hashes.subarray(row * HASH_WORDS_PER_IMAGE, (row + 1) * HASH_WORDS_PER_IMAGE);
    const colours = this.colours.subarray(row * 3 * WINDOW_COUNT, (row + 1) * 3 * WINDOW_COUNT);
    for (let group = 0; group < GROUP_COUNT; group++) {
      const start = GROUP_STARTS[group]!;
      const end = GROUP_ENDS[group]!;
      const pivot = row * PIVOT_WORDS + 2 * group;
      for (let half = 0; half < 2; half++) {
        let word = 0;
        for (let bit = 0; bit < 32; bit++) {
          let ones = 0;
          for (let window = start; window < end; window++) ones += (hashes[2 * window + half]! >>> bit) & 1;
          if (2 * ones > end - start) word |= 1 << bit;
        }
        this.pivots[pivot + half] = word >>> 0;
      }
      let radius = 0;
      for (let window = start; window < end; window++) {
        const distance =
          popcount32(hashes[2 * window]! ^ this.pivots[pivot]!) +
          popcount32(hashes[2 * window + 1]! ^ this.pivots[pivot + 1]!);
        radius = Math.max(radius, distance);
      }
      this.radii[row * GROUP_COUNT + group] = radius;
      const range = row * RANGE_BYTES + 6 * (group + 1);
      for (let channel = 0; channel < 3; channel++) {
        let minimum = 255;
        let maximum = 0;
        for (let window = start; window < end; window++) {
          minimum = Math.min(minimum, colours[3 * window + channel]!);
          maximum = Math.max(maximum, colours[3 * window + channel]!);
        }
        this.ranges[range + channel] = minimum;
        this.ranges[range + 3 + channel] = maximum;
      }
    }
  }

  /** The row's colour range: the union of its groups' ranges. */
  private summarizeRow(row: number): void {
    const ranges = this.ranges;
    const base = row * RANGE_BYTES;
    for (let channel = 0; channel < 3; channel++) {
      let minimum = 255;
      let maximum = 0;
      for (let group = 1; group <= GROUP_COUNT; group++) {
        minimum = Math.min(minimum, ranges[base + 6 * group + channel]!);
        maximum = Math.max(maximum, ranges[base + 6 * group + 3 + channel]!);
      }
      ranges[base + channel] = minimum;
      ranges[base + 3 + channel] = maximum;
    }
  }

  /** Every per-row array with its width, for moves and growth. */
  private rowArrays(): [Int32Array | Uint32Array | Uint8Array, number][] {
    return [
      [this.imageIds, 1],
      [this.hashes, HASH_WORDS_PER_IMAGE],
      [this.colours, 3 * WINDOW_COUNT],
      [this.pivots, PIVOT_WORDS],
      [this.radii, GROUP_COUNT],
      [this.ranges, RANGE_BYTES],
    ];
  }

  private grow(): void {
    const capacity = this.capacity * 2;
    const grown = <T extends Int32Array | Uint32Array | Uint8Array>(array: T, width: number): T => {
      const larger = new (array.constructor as new (length: number) => T)(capacity * width);
      larger.set(array);
      return larger;
    };
    this.imageIds = grown(this.imageIds, 1);
    this.hashes = grown(this.hashes, HASH_WORDS_PER_IMAGE);
    this.colours = grown(this.colours, 3 * WINDOW_COUNT);
    this.pivots = grown(this.pivots, PIVOT_WORDS);
    this.radii = grown(this.radii, GROUP_COUNT);
    this.ranges = grown(this.ranges, RANGE_BYTES);
    this.capacity = capacity;
  }
}

/** How far `value` lies outside [minimum, maximum]. */
function outside(value: number, minimum: number, maximum: number): number {
  return value < minimum ? minimum - value : value > maximum ? value - maximum : 0;
}

function insertSorted(list: ImageCandidate[], candidate: ImageCandidate, limit: number): void {
  let position = list.length;
  while (position > 0 && list[position - 1]!.distance > candidate.distance) position--;
  if (position >= limit) return;
  list.splice(position, 0, candidate);
  if (list.length > limit) list.pop();
}
