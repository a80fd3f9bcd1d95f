import type { ImageSearchHit, TextSearchHit } from "../core/tool-output.js";

/**
 * Search backends behind one interface. A backend implements whichever capabilities it has;
 * the search tools pick the configured backends in order and fall back to the next on failure.
 */
export interface SearchOptions {
  limit: number;
  signal?: AbortSignal;
}

/** An image to search by: its bytes, and a public URL when an image host has published it. */
export interface QueryImage {
  id: string;
  bytes: Uint8Array;
  mime: string;
  publicUrl?: string;
}

export interface ReadPage {
  url: string;
  title: string;
  /** Main content as markdown. */
  markdown: string;
  links: { text: string; url: string }[];
  images: { alt: string; url: string }[];
  contentType: string;
  /** What a parsing limit left out or changed ("only the first 50 of 50,000 pages were read"). */
  notes?: string[];
}

export interface SearchBackend {
  /** Stable name used in config, cache keys and observations ("local", "serper", ...). */
  readonly name: string;
  searchText?(query: string, options: SearchOptions): Promise<TextSearchHit[]>;
  /** Reverse image search. */
  searchByImage?(image: QueryImage, options: SearchOptions): Promise<ImageSearchHit[]>;
  /** Text-to-image search. */
  searchImagesByText?(query: string, options: SearchOptions): Promise<ImageSearchHit[]>;
  /** Reads a page (a reader API, or the local index's stored pages). */
  readPage?(url: string, options: { signal?: AbortSignal }): Promise<ReadPage | undefined>;
}
