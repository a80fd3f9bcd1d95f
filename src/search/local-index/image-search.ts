import type { ImageSearchHit } from "../../core/tool-output.js";
import type { DocumentStore } from "./document-store.js";
import type { ImageDescriptors } from "./image-descriptors.js";
import { MATCH_MAX_DISTANCE, rerankDistance } from "./image-matcher.js";

/** How many stage-one candidates get the finer re-rank. */
const RERANK_CANDIDATES = 32;

export interface ImageMatch {
  id: number;
  distance: number;
  window: number;
}

/** Indexed images that look like the query (the same picture, resized, recompressed or cropped). */
export function matchImage(store: DocumentStore, query: ImageDescriptors, limit: number): ImageMatch[] {
  const candidates = store.imageHashes.nearest(
    query.windowHashes.subarray(0, 2),
    Math.max(RERANK_CANDIDATES, limit),
  );
  const matches: ImageMatch[] = [];
  for (const candidate of candidates) {
    const indexed = store.imageDescriptors(candidate.imageId);
    if (!indexed) continue;
    const { distance, window } = rerankDistance(query, indexed);
    if (distance <= MATCH_MAX_DISTANCE + 8) matches.push({ id: candidate.imageId, distance, window });
  }
  return matches.sort((a, b) => a.distance - b.distance).slice(0, limit);
}

/**
 * An image document as a search hit: `link` is the first page that shows it (so the model can
 * visit the article), or the image itself when no indexed page does; `source` is the image URL.
 */
export function imageHit(store: DocumentStore, id: number): ImageSearchHit | undefined {
  const document = store.document(id);
  if (!document) return undefined;
  const [page] = store.pagesShowing(document.url);
  return {
    title: page?.pageTitle || page?.alt || document.title,
    link: page?.pageUrl ?? document.url,
    source: document.url,
  };
}
