import type { ImageSearchHit } from "../../core/tool-output.js";
import type { DocumentStore } from "./document-store.js";
import { alignmentQuery, alignToCandidate } from "./image-alignment.js";
import type { ImageDescriptors } from "./image-descriptors.js";
import { MATCH_MAX_DISTANCE } from "./image-matcher.js";
import { rerankDistance } from "./image-rerank.js";
import { IMAGE_WINDOWS, type ImageWindow } from "./image-windows.js";

/** How many stage-one candidates get the finer re-rank (descriptors read from SQLite). */
const RERANK_CANDIDATES = 16;
/** How many of the best re-ranked candidates are verified by alignment (about 0.1 ms each). */
const ALIGNED_CANDIDATES = 12;
/**
 * Weight of alignment in the final distance: 32 "bits" for the whole NCC range from 0 to 1, so a
 * crop that aligns at 0.99 beats an unrelated picture at 0.8 even when its hashes are 6 bits worse.
 */
const ALIGNMENT_WEIGHT = 32;

export interface ImageMatch {
  id: number;
  distance: number;
  window: number;
  /** NCC of the query with the aligned region (VERIFIED_CORRELATION and above: the same picture). */
  correlation: number;
  /** Where the query aligned, as fractions of the candidate's width and height. */
  region: ImageWindow;
}

/**
 * The first scan accepts scores up to this; only when none of its candidates aligns convincingly
 * is the scan repeated up to MATCH_MAX_DISTANCE. Crops that change the aspect ratio need the wider
 * limit, but it makes the scan prune less (at 100k images p50 23 ms instead of 18), so ordinary
 * queries, which verify at the first try, do not pay for it.
 */
const FIRST_SCAN_MAX_SCORE = 20;
/** NCC above which a candidate counts as the same picture (true crops align at 0.97-0.99). */
export const VERIFIED_CORRELATION = 0.9;

/**
 * Indexed images that look like the query (the same picture, resized, recompressed or cropped):
 * hash scan, then re-rank by descriptors, then the best few are aligned against the query (see
 * image-alignment.ts) and ordered by re-rank distance plus alignment.
 */
export function matchImage(store: DocumentStore, query: ImageDescriptors, limit: number): ImageMatch[] {
  const queryThumbnail = alignmentQuery(query.thumbnail);
  let matches = verifiedMatches(store, query, queryThumbnail, limit, FIRST_SCAN_MAX_SCORE);
  if (!matches.some((match) => match.correlation >= VERIFIED_CORRELATION))
    matches = verifiedMatches(store, query, queryThumbnail, limit, MATCH_MAX_DISTANCE);
  return matches.slice(0, limit);
}

function verifiedMatches(
  store: DocumentStore,
  query: ImageDescriptors,
  queryThumbnail: Float32Array,
  limit: number,
  maxScore: number,
): ImageMatch[] {
  const candidates = store.imageHashes.nearest(query, Math.max(RERANK_CANDIDATES, limit), maxScore);
  const reranked: { id: number; distance: number; window: number; indexed: ImageDescriptors }[] = [];
  for (const candidate of candidates) {
    const indexed = store.imageDescriptors(candidate.imageId);
    if (!indexed) continue;
    const { distance, window } = rerankDistance(query, indexed);
    if (distance <= MATCH_MAX_DISTANCE + 4)
      reranked.push({ id: candidate.imageId, distance, window, indexed });
  }
  reranked.sort((a, b) => a.distance - b.distance);
  const aligned = reranked.slice(0, Math.max(ALIGNED_CANDIDATES, limit)).map((match) => {
    // Start from the window the re-rank preferred; it is at worst a few percent off the crop.
    const { correlation, region } = alignToCandidate(
      queryThumbnail,
      match.indexed.thumbnail,
      IMAGE_WINDOWS[match.window]!,
    );
    return {
      id: match.id,
      distance: match.distance / 2 + ALIGNMENT_WEIGHT * (1 - Math.max(0, correlation)),
      window: match.window,
      correlation,
      region,
    };
  });
  return aligned.sort((a, b) => a.distance - b.distance);
}

/**
 * An image document as a search hit: `link` is the first page that shows it (so the model can
 * visit the article), or the image itself when no indexed page does; `source` is the image URL.
 */
export function imageHit(
  store: DocumentStore,
  id: number,
  match?: ImageSearchHit["match"],
): ImageSearchHit | undefined {
  const document = store.document(id);
  if (!document) return undefined;
  const [page] = store.pagesShowing(document.url);
  return {
    title: page?.pageTitle || page?.alt || document.title,
    link: page?.pageUrl ?? document.url,
    source: document.url,
    ...(match ? { match } : {}),
  };
}
