import type { DocumentKind } from "./database.js";
import type { DocumentStore } from "./document-store.js";
import { dot, type EmbeddingsClient } from "./embeddings-client.js";
import { ftsQuery } from "./fts-query.js";

export interface RankedDocument {
  id: number;
  title: string;
  url: string;
  snippet: string;
}

/** Title matches weigh more than body matches. */
const TITLE_WEIGHT = 4;
/** Below this cosine similarity a vector neighbour is noise, not a semantic match. */
const MINIMUM_COSINE = 0.3;
/** Reciprocal rank fusion constant (the usual 60): ranks matter, raw score scales do not. */
const FUSION_OFFSET = 60;

/**
 * BM25 full-text search over one kind of document. Words are ANDed first; when that finds nothing
 * they are ORed, so a long natural-language query still returns the closest pages.
 */
export function fullTextSearch(
  store: DocumentStore,
  text: string,
  kind: DocumentKind,
  limit: number,
): RankedDocument[] {
  const statement = store.database.prepare(`
    SELECT d.id, d.title, d.url, snippet(document_text, 1, '', '', '…', 32) AS snippet
    FROM document_text JOIN documents d ON d.id = document_text.rowid
    WHERE document_text MATCH ? AND d.kind = ?
    ORDER BY bm25(document_text, ${TITLE_WEIGHT}, 1) LIMIT ?`);
  for (const join of ["AND", "OR"] as const) {
    const match = ftsQuery(text, join);
    if (!match) return [];
    const rows = statement.all(match, kind, limit) as RankedDocument[];
    if (rows.length > 0) return rows;
  }
  return [];
}

/**
 * Vectors are kept in memory per kind after first use (a flat scan: fine for the tens of
 * thousands of documents a personal index holds) and dropped whenever the index changes.
 */
export class VectorCache {
  private readonly byKind = new Map<DocumentKind, { ids: number[]; vectors: Float32Array[] }>();

  invalidate(): void {
    this.byKind.clear();
  }

  nearest(
    store: DocumentStore,
    query: Float32Array,
    kind: DocumentKind,
    limit: number,
  ): { id: number; cosine: number }[] {
    let entry = this.byKind.get(kind);
    if (!entry) {
      const rows = store.database
        .prepare(
          "SELECT e.document_id AS id, e.vector FROM embeddings e JOIN documents d ON d.id = e.document_id WHERE d.kind = ?",
        )
        .all(kind) as { id: number; vector: Buffer }[];
      entry = {
        ids: rows.map((row) => row.id),
        vectors: rows.map((row) => new Float32Array(new Uint8Array(row.vector).buffer)),
      };
      this.byKind.set(kind, entry);
    }
    const scored = entry.ids.map((id, index) => ({ id, cosine: dot(query, entry.vectors[index]!) }));
    return scored
      .filter((item) => item.cosine >= MINIMUM_COSINE)
      .sort((a, b) => b.cosine - a.cosine)
      .slice(0, limit);
  }
}

/**
 * Full-text search, blended with embedding similarity when an embeddings endpoint is configured:
 * both rankings are fused by reciprocal rank, so a document found by both comes first and one
 * found only by meaning (no shared word) still appears.
 */
export async function blendedSearch(
  store: DocumentStore,
  vectors: VectorCache,
  embeddings: EmbeddingsClient | undefined,
  text: string,
  kind: DocumentKind,
  limit: number,
  signal?: AbortSignal,
): Promise<RankedDocument[]> {
  const depth = Math.max(limit * 4, 20);
  const lexical = fullTextSearch(store, text, kind, depth);
  if (!embeddings) return lexical.slice(0, limit);
  const [queryVector] = await embeddings.embed([text], signal);
  const semantic = vectors.nearest(store, queryVector!, kind, depth);
  const scores = new Map<number, number>();
  for (const ranking of [lexical, semantic]) {
    for (const [rank, row] of ranking.entries())
      scores.set(row.id, (scores.get(row.id) ?? 0) + 1 / (FUSION_OFFSET + rank));
  }
  const lexicalById = new Map(lexical.map((row) => [row.id, row]));
  return [...scores.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .flatMap(([id]) => {
      const known = lexicalById.get(id);
      if (known) return [known];
      const document = store.document(id);
      if (!document) return [];
      return [
        {
          id,
          title: document.title,
          url: document.url,
          snippet: document.body.slice(0, 240).replace(/\s+/g, " "),
        },
      ];
    });
}
