import { DESCRIPTOR_SIZE, type LocalFeatures } from "./local-features.js";
import { type OpenCv, openCv } from "./opencv-runtime.js";
import { popcount32 } from "./pixel-reductions.js";

/**
 * Geometric verification of a candidate: the query's keypoints are matched to the candidate's by
 * Hamming distance (nearest of two clearly better than the second, Lowe's ratio test), and a
 * homography is fitted to the pairs by RANSAC. Enough pairs agreeing on one homography means the
 * query shows the candidate's picture (cropped, rotated, resized, re-coloured or pasted into
 * something larger); unrelated pictures give scattered pairs that no homography explains.
 * The homography maps the query's corners into the candidate, which is where the query lies.
 */
const RATIO = 0.8;
const WORDS = DESCRIPTOR_SIZE / 4;
/** Pairs RANSAC must keep (at 5 px in the 480 px frame) for a verified match. */
export const MIN_INLIERS = 12;
const REPROJECTION_PIXELS = 5;
/** A region covering at least this much of the candidate makes the query the same image. */
const SAME_IMAGE_COVERAGE = 0.85;

export interface Region {
  /** In the candidate's own pixels. */
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface Verification {
  inliers: number;
  region: Region;
  /** Fraction of the candidate the query covers (1 when the query holds all of it). */
  coverage: number;
  kind: "same" | "crop";
}

export async function verifyCandidate(
  query: LocalFeatures,
  candidate: LocalFeatures,
): Promise<Verification | undefined> {
  if (query.count < MIN_INLIERS || candidate.count < MIN_INLIERS) return undefined;
  const cv = await openCv();
  const { sources, targets } = ratioTestPairs(query, candidate);
  if (sources.length / 2 < MIN_INLIERS) return undefined;
  const from = cv.matFromArray(sources.length / 2, 1, cv.CV_32FC2, sources);
  const to = cv.matFromArray(targets.length / 2, 1, cv.CV_32FC2, targets);
  const mask = new cv.Mat();
  let homography: OpenCv | undefined;
  try {
    homography = cv.findHomography(from, to, cv.RANSAC, REPROJECTION_PIXELS, mask);
    if (homography.empty()) return undefined;
    let inliers = 0;
    for (let index = 0; index < mask.rows; index++) if (mask.data[index]) inliers++;
    if (inliers < MIN_INLIERS) return undefined;
    return regionOf(Array.from(homography.data64F as Float64Array), query, candidate, inliers);
  } finally {
    from.delete();
    to.delete();
    mask.delete();
    homography?.delete();
  }
}

/** The query's frame corners through the homography, as a box in the candidate's pixels. */
function regionOf(
  h: number[],
  query: LocalFeatures,
  candidate: LocalFeatures,
  inliers: number,
): Verification | undefined {
  const corners = [
    [0, 0],
    [query.frameWidth, 0],
    [query.frameWidth, query.frameHeight],
    [0, query.frameHeight],
  ].map(([x, y]) => {
    const w = h[6]! * x! + h[7]! * y! + h[8]!;
    return [(h[0]! * x! + h[1]! * y! + h[2]!) / w, (h[3]! * x! + h[4]! * y! + h[5]!) / w] as const;
  });
  // A homography that folds the quadrilateral (or sends a corner to infinity) is no real view.
  if (!convex(corners)) return undefined;
  const scaleX = candidate.width / candidate.frameWidth;
  const scaleY = candidate.height / candidate.frameHeight;
  const xs = corners.map(([x]) => Math.min(candidate.frameWidth, Math.max(0, x)) * scaleX);
  const ys = corners.map(([, y]) => Math.min(candidate.frameHeight, Math.max(0, y)) * scaleY);
  const x = Math.min(...xs);
  const y = Math.min(...ys);
  const width = Math.max(...xs) - x;
  const height = Math.max(...ys) - y;
  if (width < 1 || height < 1) return undefined;
  const coverage = (width * height) / (candidate.width * candidate.height);
  return {
    inliers,
    region: { x: Math.round(x), y: Math.round(y), width: Math.round(width), height: Math.round(height) },
    coverage,
    kind: coverage >= SAME_IMAGE_COVERAGE ? "same" : "crop",
  };
}

function convex(corners: (readonly [number, number])[]): boolean {
  let sign = 0;
  for (let index = 0; index < corners.length; index++) {
    const [ax, ay] = corners[index]!;
    const [bx, by] = corners[(index + 1) % corners.length]!;
    const [cx, cy] = corners[(index + 2) % corners.length]!;
    const cross = (bx - ax) * (cy - by) - (by - ay) * (cx - bx);
    if (!Number.isFinite(cross) || cross === 0) return false;
    if (sign === 0) sign = Math.sign(cross);
    else if (Math.sign(cross) !== sign) return false;
  }
  return true;
}

function words(descriptors: Uint8Array): Uint32Array {
  const aligned = descriptors.byteOffset % 4 === 0 ? descriptors : descriptors.slice();
  return new Uint32Array(aligned.buffer, aligned.byteOffset, aligned.byteLength / 4);
}

/**
 * Brute-force nearest and second-nearest by Hamming distance, in plain JavaScript: at 500 x 300
 * keypoints it takes about 2 ms, where OpenCV's BFMatcher costs more in the thousands of calls
 * across the WebAssembly boundary needed to read its matches back.
 */
function ratioTestPairs(
  query: LocalFeatures,
  candidate: LocalFeatures,
): { sources: number[]; targets: number[] } {
  const queryWords = words(query.descriptors);
  const candidateWords = words(candidate.descriptors);
  const sources: number[] = [];
  const targets: number[] = [];
  for (let feature = 0; feature < query.count; feature++) {
    const base = feature * WORDS;
    let best = 257;
    let second = 257;
    let bestIndex = -1;
    for (let other = 0; other < candidate.count; other++) {
      const otherBase = other * WORDS;
      let distance = 0;
      for (let word = 0; word < WORDS && distance < second; word++)
        distance += popcount32(queryWords[base + word]! ^ candidateWords[otherBase + word]!);
      if (distance < best) {
        second = best;
        best = distance;
        bestIndex = other;
      } else if (distance < second) second = distance;
    }
    if (bestIndex < 0 || best >= RATIO * second) continue;
    sources.push(query.points[2 * feature]!, query.points[2 * feature + 1]!);
    targets.push(candidate.points[2 * bestIndex]!, candidate.points[2 * bestIndex + 1]!);
  }
  return { sources, targets };
}
