import type { ImageMatchKind } from "../../core/tool-output.js";
import type { DocumentStore } from "./document-store.js";
import { verifyCandidate } from "./feature-verification.js";
import type { ImageDescriptors } from "./image-descriptors.js";
import { MATCH_MAX_DISTANCE } from "./image-matcher.js";
import { matchImage, VERIFIED_CORRELATION } from "./image-search.js";
import {
  detectFeatures,
  type GreyFrame,
  type LocalFeatures,
  mirrored,
  QUERY_FEATURES,
} from "./local-features.js";

/**
 * Reverse image search with both matchers, chosen per query (decision 1409):
 * 1. global descriptors (image-search.ts: window hashes, then alignment); when the best aligns at
 *    VERIFIED_CORRELATION the query is a resize, recompression or grid-like crop of it, found in a
 *    few milliseconds and also for tiny or flat pictures that have no corners;
 * 2. otherwise local features (ORB, LSH inverted index, RANSAC homography): rotations, mirrors
 *    (a second pass over the flipped query), small and off-centre crops, screenshots, captions;
 * 3. only when nothing verifies, the nearest candidates of both, marked `similar` (verified
 *    copies come alone: look-alikes after them would only bury them).
 */
export type ImageMatcherChoice = "combined" | "global" | "features";

export interface LookedUpImage {
  id: number;
  match: ImageMatchKind;
  /** Which matcher found it (for the benchmark and the decision's figures). */
  via: "global" | "features" | "features-mirrored";
}

/** Feature candidates verified per pass (each about 1-3 ms: a brute-force match and RANSAC). */
const VERIFIED_CANDIDATES = 16;
/** Below this many keypoints a query has too little structure for features (flat graphics). */
const MIN_QUERY_FEATURES = 24;
/** Global window size above which an aligned match is the whole picture rather than a crop. */
const SAME_IMAGE_WINDOW = 0.92;
/**
 * Unverified global candidates are offered as `similar` however far they are: the nearest
 * pictures are what the model asked for when no copy exists (the score says how near).
 */
const SIMILAR_MAX_DISTANCE = Number.POSITIVE_INFINITY;

export interface ImageQuery {
  descriptors: ImageDescriptors;
  /** The grey frame local features are detected in; made only if the global pass is not enough. */
  frame: () => Promise<GreyFrame>;
}

export async function lookUpImage(
  store: DocumentStore,
  query: ImageQuery,
  limit: number,
  choice: ImageMatcherChoice = "combined",
): Promise<LookedUpImage[]> {
  const found = new Map<number, LookedUpImage>();
  const add = (item: LookedUpImage) => {
    if (!found.has(item.id)) found.set(item.id, item);
  };
  const global = choice === "features" ? [] : matchImage(store, query.descriptors, limit);
  for (const match of global) {
    if (match.correlation < VERIFIED_CORRELATION) continue;
    const document = store.imageDescriptors(match.id);
    if (!document) continue;
    const { x, y, size } = match.region;
    add({
      id: match.id,
      via: "global",
      match: {
        kind: size >= SAME_IMAGE_WINDOW ? "same" : "crop",
        score: round(match.correlation),
        region: {
          x: Math.round(x * document.width),
          y: Math.round(y * document.height),
          width: Math.round(size * document.width),
          height: Math.round(size * document.height),
        },
      },
    });
  }
  const similar: LookedUpImage[] = [];
  if (found.size === 0 && choice !== "global" && store.imageFeatures.size > 0) {
    const frame = await query.frame();
    for (const pass of ["features", "features-mirrored"] as const) {
      const features = await detectFeatures(pass === "features" ? frame : mirrored(frame), QUERY_FEATURES);
      if (features.count < MIN_QUERY_FEATURES) break;
      const verified = await verifyByFeatures(store, features, pass, similar);
      for (const item of verified) add(item);
      if (found.size > 0) break;
    }
  }
  // Verified copies are the answer; look-alikes would only bury them.
  if (found.size > 0) return [...found.values()].slice(0, limit);
  // Nothing verified: the nearest candidates, said to be only similar.
  for (const item of similar) if (found.size < limit) add(item);
  if (found.size < limit && choice !== "features") {
    const nearest =
      global.length >= limit
        ? global
        : store.imageHashes
            .nearest(query.descriptors, limit, SIMILAR_MAX_DISTANCE)
            .map((candidate) => ({ id: candidate.imageId, distance: candidate.distance }));
    for (const match of nearest) {
      if (found.size >= limit) break;
      add({
        id: match.id,
        via: "global",
        match: {
          kind: "similar",
          score: round(0.5 * Math.max(0, 1 - match.distance / (2 * MATCH_MAX_DISTANCE))),
        },
      });
    }
  }
  return [...found.values()].slice(0, limit);
}

async function verifyByFeatures(
  store: DocumentStore,
  features: LocalFeatures,
  via: LookedUpImage["via"],
  similar: LookedUpImage[],
): Promise<LookedUpImage[]> {
  const candidates = store.imageFeatures.candidates(
    features.descriptors,
    features.count,
    VERIFIED_CANDIDATES,
  );
  const verified: (LookedUpImage & { inliers: number })[] = [];
  for (const candidate of candidates) {
    // A clear winner ends the pass: candidates with under a third of its votes rarely verify.
    if (verified.length > 0 && candidate.votes * 3 < candidates[0]!.votes) break;
    const indexed = store.imageFeaturesOf(candidate.imageId);
    const verification = indexed && (await verifyCandidate(features, indexed));
    if (!verification) {
      if (via === "features")
        similar.push({
          id: candidate.imageId,
          via,
          match: { kind: "similar", score: round((0.5 * candidate.votes) / (candidate.votes + 40)) },
        });
      continue;
    }
    verified.push({
      id: candidate.imageId,
      via,
      inliers: verification.inliers,
      match: {
        kind: verification.kind,
        score: round(0.5 + (0.5 * verification.inliers) / (verification.inliers + 20)),
        region: verification.region,
      },
    });
  }
  return verified.sort((a, b) => b.inliers - a.inliers).map(({ inliers: _, ...item }) => item);
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
