import { statSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { LoupeError } from "../../core/errors.js";
import type { ImageSearchHit, TextSearchHit } from "../../core/tool-output.js";
import type { QueryImage, ReadPage, SearchBackend, SearchOptions } from "../backend.js";
import { defaultParseLimits, type ParseLimits } from "../parsing/parse-limits.js";
import { type ParserPool, sharedParserPool } from "../parsing/parser-pool.js";
import { DocumentStore } from "./document-store.js";
import { EmbeddingsClient, type EmbeddingsOptions } from "./embeddings-client.js";
import { describeImage, type ImageDescriptors } from "./image-descriptors.js";
import { type ImageMatcherChoice, type LookedUpImage, lookUpImage } from "./image-lookup.js";
import { imageHit } from "./image-search.js";
import { type IngestProgress, type IngestReport, imageDataUrl, ingestPaths } from "./ingest.js";
import { greyFrame, type LocalFeatures } from "./local-features.js";
import { blendedSearch, VectorCache } from "./text-search.js";

export type { IngestProgress, IngestReport } from "./ingest.js";

export interface IndexStats {
  path: string;
  documents: number;
  images: number;
  imageReferences: number;
  embeddings: number;
  /** Size of the index file (and its write-ahead log) on disk. */
  bytes: number;
  /** Memory held for the reverse image scan (window hashes, colours and group summaries). */
  imageMemoryBytes: number;
  /** Memory held by the local-feature inverted index (feature-index.ts). */
  featureMemoryBytes: number;
  /** Images with local features (the others are matched by global descriptors only). */
  imagesWithFeatures: number;
}

export interface LocalIndexOptions {
  embeddings?: EmbeddingsOptions;
  /** Limits on parsing HTML and PDF files while ingesting; search.webVisit's defaults when left out. */
  parseLimits?: ParseLimits;
  /** Where ingest parses HTML and PDFs; the process's shared pool when left out. */
  parserPool?: ParserPool;
}

/** Below this cosine similarity an image found by embedding is not shown as "similar". */
const SIMILAR_IMAGE_COSINE = 0.8;

/**
 * The offline search backend: an on-disk SQLite index of the user's own pages and images.
 * Text search is FTS5 BM25; reverse image search compares perceptual descriptors; both blend in
 * embedding similarity when an embeddings endpoint is configured.
 */
export class LocalIndex implements SearchBackend {
  readonly name = "local";
  private readonly store: DocumentStore;
  private readonly embeddings?: EmbeddingsClient;
  private readonly vectors = new VectorCache();
  private readonly parseLimits: ParseLimits;
  private readonly parserPool?: ParserPool;

  constructor(
    readonly path: string,
    options: LocalIndexOptions = {},
  ) {
    this.store = new DocumentStore(path);
    this.parseLimits = options.parseLimits ?? defaultParseLimits;
    this.parserPool = options.parserPool;
    if (options.embeddings) this.embeddings = new EmbeddingsClient(options.embeddings);
  }

  async add(paths: string[], onProgress?: (progress: IngestProgress) => void): Promise<IngestReport> {
    try {
      const parsing = { pool: this.parserPool ?? sharedParserPool(), limits: this.parseLimits };
      return await ingestPaths(this.store, paths, this.embeddings, parsing, onProgress);
    } finally {
      this.vectors.invalidate();
    }
  }

  /**
   * Takes files out of the index (pages and images, by the paths they were added under): their
   * rows, text, descriptors and features go, and the in-memory indexes forget them at once. No
   * rebuild: the rest of the index is untouched. Returns how many files were removed.
   */
  remove(paths: string[]): number {
    let removed = 0;
    this.store.transaction(() => {
      const touched: string[] = [];
      for (const path of paths) {
        const key = resolve(path);
        if (!this.store.hasPath(key)) continue;
        touched.push(...this.store.removePath(key));
        removed++;
      }
      this.store.refreshImageText(touched);
    });
    this.vectors.invalidate();
    return removed;
  }

  /**
   * Stores images already described, without files behind them (the benchmark generates 100k
   * pictures this way). Each path must be unique; its file URL becomes the image URL.
   */
  addImageDescriptors(
    images: { path: string; title: string; descriptors: ImageDescriptors; features?: LocalFeatures }[],
  ): void {
    this.store.transaction(() => {
      for (const image of images) {
        this.store.removePath(image.path);
        this.store.insertImage({ ...image, url: pathToFileURL(image.path).href, mtimeMs: 0, size: 0 });
      }
    });
  }

  async searchText(query: string, options: SearchOptions): Promise<TextSearchHit[]> {
    const rows = await blendedSearch(
      this.store,
      this.vectors,
      this.embeddings,
      query,
      "page",
      options.limit,
      options.signal,
    );
    return rows.map((row) => ({ title: row.title, url: row.url, snippet: row.snippet }));
  }

  async searchImagesByText(query: string, options: SearchOptions): Promise<ImageSearchHit[]> {
    const rows = await blendedSearch(
      this.store,
      this.vectors,
      this.embeddings,
      query,
      "image",
      options.limit,
      options.signal,
    );
    return rows.flatMap((row) => imageHit(this.store, row.id) ?? []);
  }

  async searchByImage(image: QueryImage, options: SearchOptions): Promise<ImageSearchHit[]> {
    const found = await this.matchImage(image, options.limit);
    const hits = found.flatMap((item) => imageHit(this.store, item.id, item.match) ?? []);
    // Embeddings add semantically similar pictures after anything verified, in place of the
    // unverified look-alikes (which they rank better).
    if (this.embeddings) {
      const verified = found.filter((item) => item.match.kind !== "similar").map((item) => item.id);
      if (verified.length < options.limit) {
        const byEmbedding = await this.similarByEmbedding(image, verified, options);
        if (byEmbedding.length > 0)
          return [
            ...hits.filter((hit) => hit.match?.kind !== "similar"),
            ...byEmbedding.flatMap(
              (item) => imageHit(this.store, item.id, { kind: "similar", score: item.score }) ?? [],
            ),
          ].slice(0, options.limit);
      }
    }
    return hits;
  }

  /** The document id of an indexed file (the benchmark checks matches by it). */
  imageIdOf(path: string): number | undefined {
    return this.store.idOfPath(resolve(path));
  }

  /** Reverse image search with a chosen matcher (searchByImage uses "combined"; the benchmark all three). */
  async matchImage(
    image: QueryImage,
    limit: number,
    choice: ImageMatcherChoice = "combined",
  ): Promise<LookedUpImage[]> {
    const unreadable = (error: unknown) =>
      new LoupeError(
        "image-invalid",
        `cannot search by image ${image.id}: it is not an image sharp can read`,
        {
          cause: error,
        },
      );
    let descriptors: ImageDescriptors;
    try {
      descriptors = await describeImage(image.bytes, "whole");
    } catch (error) {
      throw unreadable(error);
    }
    const frame = () => greyFrame(image.bytes).catch((error: unknown) => Promise.reject(unreadable(error)));
    return lookUpImage(this.store, { descriptors, frame }, limit, choice);
  }

  /** Semantically similar pictures (same subject, other photo) after the near-duplicates. */
  private async similarByEmbedding(
    image: QueryImage,
    exclude: number[],
    options: SearchOptions,
  ): Promise<{ id: number; score: number }[]> {
    const [vector] = await this.embeddings!.embed([await imageDataUrl(image.bytes)], options.signal);
    return this.vectors
      .nearest(this.store, vector!, "image", options.limit + exclude.length)
      .filter((item) => item.cosine >= SIMILAR_IMAGE_COSINE && !exclude.includes(item.id))
      .map((item) => ({ id: item.id, score: Math.round(item.cosine * 500) / 1000 }));
  }

  /** A stored page by its URL (declared or file://) or its file path; undefined when not indexed. */
  async readPage(url: string): Promise<ReadPage | undefined> {
    const keys = [url];
    if (isAbsolute(url)) keys.push(pathToFileURL(url).href);
    else if (!/^[a-z][a-z0-9+.-]*:/i.test(url)) keys.push(resolve(url), pathToFileURL(resolve(url)).href);
    for (const key of keys) {
      const row = this.store.pageByUrlOrPath(key);
      if (!row) continue;
      return {
        url: row.url,
        title: row.title,
        markdown: row.markdown,
        links: JSON.parse(row.links) as ReadPage["links"],
        images: JSON.parse(row.images) as ReadPage["images"],
        contentType: row.content_type,
      };
    }
    return undefined;
  }

  stats(): IndexStats {
    const count = (sql: string) => Number(this.store.database.prepare(sql).pluck().get());
    let bytes = 0;
    for (const suffix of ["", "-wal"]) {
      try {
        bytes += statSync(this.path + suffix).size;
      } catch {
        // an in-memory index or no write-ahead log yet
      }
    }
    return {
      path: this.path,
      documents: count("SELECT count(*) FROM documents WHERE kind = 'page'"),
      images: count("SELECT count(*) FROM documents WHERE kind = 'image'"),
      imageReferences: count("SELECT count(*) FROM image_references"),
      embeddings: count("SELECT count(*) FROM embeddings"),
      bytes,
      imageMemoryBytes: this.store.imageHashes.bytes,
      featureMemoryBytes: this.store.imageFeatures.bytes,
      imagesWithFeatures: this.store.imageFeatures.size,
    };
  }

  close(): void {
    this.store.close();
  }
}

export function openLocalIndex(path: string, options: LocalIndexOptions = {}): LocalIndex {
  return new LocalIndex(path, options);
}
