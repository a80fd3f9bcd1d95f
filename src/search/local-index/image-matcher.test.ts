import { describe, expect, it } from "vitest";
import { popcount32, WINDOW_COUNT } from "./image-descriptors.js";
import { COLOUR_WEIGHT, ImageHashMatrix, MATCH_MAX_DISTANCE } from "./image-matcher.js";

/** Deterministic pseudo-random 32-bit words (xorshift), so a failure replays. */
function words(seed: number): () => number {
  let state = seed;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return state >>> 0;
  };
}

interface Windows {
  windowHashes: Uint32Array;
  windowColours: Uint8Array;
}

/**
 * Images whose windows are near one of a few "themes" (as windows of real pictures are near each
 * other), so some groups are close to the query and pruning has real decisions to make.
 */
function makeImages(count: number, seed: number): Windows[] {
  const next = words(seed);
  const themes = Array.from({ length: 8 }, () => [next(), next(), next() & 0xff] as const);
  return Array.from({ length: count }, () => {
    const windowHashes = new Uint32Array(2 * WINDOW_COUNT);
    const windowColours = new Uint8Array(12 * WINDOW_COUNT);
    for (let window = 0; window < WINDOW_COUNT; window++) {
      const [high, low, colour] = themes[next() % themes.length]!;
      // Flip a few random bits of the theme: sparse noise keeps distances small but varied.
      windowHashes[2 * window] = (high ^ (next() & next() & next())) >>> 0;
      windowHashes[2 * window + 1] = (low ^ (next() & next() & next())) >>> 0;
      for (let cell = 0; cell < 12; cell++)
        windowColours[12 * window + cell] = (colour + (next() % 40)) & 0xff;
    }
    return { windowHashes, windowColours };
  });
}

function meanColour(colours: Uint8Array, window: number): number[] {
  return [0, 1, 2].map((channel) => {
    let sum = 0;
    for (let cell = 0; cell < 4; cell++) sum += colours[12 * window + 3 * cell + channel]!;
    return Math.round(sum / 4);
  });
}

/** The score nearest() promises, computed the slow way: best window of hash + colour. */
function bruteForceScore(image: Windows, query: Windows): number {
  const queryColour = meanColour(query.windowColours, 0);
  let best = Number.POSITIVE_INFINITY;
  for (let window = 0; window < WINDOW_COUNT; window++) {
    const hash =
      popcount32(image.windowHashes[2 * window]! ^ query.windowHashes[0]!) +
      popcount32(image.windowHashes[2 * window + 1]! ^ query.windowHashes[1]!);
    const colour = meanColour(image.windowColours, window).reduce(
      (sum, value, channel) => sum + Math.abs(value - queryColour[channel]!),
      0,
    );
    best = Math.min(best, hash + COLOUR_WEIGHT * colour);
  }
  return best;
}

describe("ImageHashMatrix", () => {
  const images = makeImages(600, 12345);
  const queries = makeImages(25, 999);

  it("prunes without losing anything: the same scores as a brute-force scan", () => {
    const matrix = new ImageHashMatrix();
    for (const [id, image] of images.entries()) matrix.add(id, image);
    for (const query of queries) {
      const expected = images
        .map((image, id) => ({ id, score: bruteForceScore(image, query) }))
        .filter((entry) => entry.score <= MATCH_MAX_DISTANCE)
        .sort((a, b) => a.score - b.score)
        .slice(0, 10);
      const found = matrix.nearest(query, 10);
      expect(found.map((candidate) => candidate.distance)).toEqual(
        expected.map((entry) => expect.closeTo(entry.score, 9)),
      );
    }
  });

  it("keeps rows consistent when images are removed and replaced", () => {
    const matrix = new ImageHashMatrix();
    for (const [id, image] of images.slice(0, 50).entries()) matrix.add(id, image);
    for (let id = 0; id < 50; id += 3) matrix.remove(id);
    matrix.add(7, images[1]!);
    expect(matrix.size).toBe(50 - 17);
    for (const query of queries.slice(0, 5)) {
      const survivors = images
        .slice(0, 50)
        .map((image, id) => ({ id, image: id === 7 ? images[1]! : image }))
        .filter(({ id }) => id % 3 !== 0);
      const best = survivors
        .map(({ id, image }) => ({ id, score: bruteForceScore(image, query) }))
        .sort((a, b) => a.score - b.score)[0]!;
      const [found] = matrix.nearest(query, 1, 64);
      expect(found?.distance).toBeCloseTo(best.score, 9);
    }
  });
});
