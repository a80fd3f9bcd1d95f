import type { LocalFeatures } from "./local-features.js";
import { type OpenCv, openCv } from "./opencv-runtime.js";

/**
 * Geometric verification of a candidate: the query's keypoints are matched to the candidate's by
 * Hamming distance (nearest of two clearly better than the second, Lowe's ratio test), and a
 * homography is fitted to the pairs by RANSAC. Enough pairs agreeing on one homography means the
 * query shows the candidate's picture (cropped, rotated, resized, re-coloured or pasted into
 * something larger); unrelated pictures give scattered pairs that no homography explains.
 * The homography maps the query's corners into the candidate, which is where the query lies.
 */
const RATIO = 0.8;
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

/** The query's descriptors as a Mat, made once per query and released by the caller. */
export async function descriptorMat(features: LocalFeatures): Promise<OpenCv> {
  const cv = await openCv();
  const mat = new cv.Mat(features.count, 32, cv.CV_8U);
  mat.data.set(features.descriptors);
  return mat;
}

let matcher: OpenCv | undefined;

export async function verifyCandidate(
  query: LocalFeatures,
  queryDescriptors: OpenCv,
  candidate: LocalFeatures,
): Promise<Verification | undefined> {
  if (query.count < MIN_INLIERS || candidate.count < MIN_INLIERS) return undefined;
  const cv = await openCv();
  matcher ??= new cv.BFMatcher(cv.NORM_HAMMING, false);
  const train = await descriptorMat(candidate);
  const pairs = new cv.DMatchVectorVector();
  const sources: number[] = [];
  const targets: number[] = [];
  try {
    matcher.knnMatch(queryDescriptors, train, pairs, 2);
    for (let index = 0; index < pairs.size(); index++) {
      const nearest = pairs.get(index);
      if (nearest.size() < 2) continue;
      const best = nearest.get(0);
      if (best.distance >= RATIO * nearest.get(1).distance) continue;
      sources.push(query.points[2 * best.queryIdx]!, query.points[2 * best.queryIdx + 1]!);
      targets.push(candidate.points[2 * best.trainIdx]!, candidate.points[2 * best.trainIdx + 1]!);
    }
  } finally {
    train.delete();
    pairs.delete();
  }
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
