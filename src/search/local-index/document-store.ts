import type Database from "better-sqlite3";
import { type DocumentRow, openDatabase } from "./database.js";
import { FeatureIndex } from "./feature-index.js";
import { decodeDescriptors, encodeDescriptors, type ImageDescriptors } from "./image-descriptors.js";
import { ImageHashMatrix } from "./image-matcher.js";
import { decodeFeatures, encodeFeatures, type LocalFeatures } from "./local-features.js";
import type { ParsedPage } from "./parsed-document.js";

export interface StoredFile {
  path: string;
  url: string;
  mtimeMs: number;
  size: number;
}

export interface StoredImage extends StoredFile {
  title: string;
  descriptors: ImageDescriptors;
  /** Local features; an image without (no corners at all, or described elsewhere) is matched globally only. */
  features?: LocalFeatures;
}

/**
 * All reads and writes of the index tables, as prepared statements, plus the in-memory matrix of
 * image window hashes that mirrors image_descriptors (loaded once at open, updated on write).
 */
export class DocumentStore {
  readonly database: Database.Database;
  readonly imageHashes = new ImageHashMatrix();
  readonly imageFeatures = new FeatureIndex();
  private readonly statements;

  constructor(path: string) {
    this.database = openDatabase(path);
    const database = this.database;
    this.statements = {
      byPath: database.prepare("SELECT id, mtime_ms, size FROM documents WHERE path = ?"),
      byId: database.prepare("SELECT * FROM documents WHERE id = ?"),
      pageByUrlOrPath: database.prepare(
        "SELECT * FROM documents WHERE kind = 'page' AND (url = @key OR path = @key) ORDER BY id DESC LIMIT 1",
      ),
      insertDocument: database.prepare(`INSERT INTO documents
        (path, url, kind, content_type, title, body, markdown, links, images, mtime_ms, size)
        VALUES (@path, @url, @kind, @contentType, @title, @body, @markdown, @links, @images, @mtimeMs, @size)`),
      insertText: database.prepare("INSERT INTO document_text (rowid, title, body) VALUES (?, ?, ?)"),
      deleteText: database.prepare("DELETE FROM document_text WHERE rowid = ?"),
      deleteDocument: database.prepare("DELETE FROM documents WHERE id = ?"),
      insertDescriptors: database.prepare(
        "INSERT INTO image_descriptors (document_id, width, height, descriptors) VALUES (?, ?, ?, ?)",
      ),
      descriptors: database.prepare(
        "SELECT width, height, descriptors FROM image_descriptors WHERE document_id = ?",
      ),
      insertFeatures: database.prepare("INSERT INTO image_features (document_id, features) VALUES (?, ?)"),
      features: database.prepare(`SELECT f.features, d.width, d.height FROM image_features f
        JOIN image_descriptors d ON d.document_id = f.document_id WHERE f.document_id = ?`),
      insertReference: database.prepare(
        "INSERT INTO image_references (page_id, image_url, alt, caption) VALUES (?, ?, ?, ?)",
      ),
      referencedUrls: database
        .prepare("SELECT DISTINCT image_url FROM image_references WHERE page_id = ?")
        .pluck(),
      referencesTo: database.prepare(`SELECT r.alt, r.caption, d.url AS page_url, d.title AS page_title
        FROM image_references r JOIN documents d ON d.id = r.page_id WHERE r.image_url = ? ORDER BY d.id`),
      imagesByUrl: database.prepare("SELECT id, path, title FROM documents WHERE kind = 'image' AND url = ?"),
      updateBody: database.prepare("UPDATE documents SET body = ? WHERE id = ?"),
      insertEmbedding: database.prepare(
        "INSERT OR REPLACE INTO embeddings (document_id, vector) VALUES (?, ?)",
      ),
    };
    for (const row of database
      .prepare("SELECT document_id, width, height, descriptors FROM image_descriptors")
      .iterate()) {
      const { document_id, width, height, descriptors } = row as {
        document_id: number;
        width: number;
        height: number;
        descriptors: Buffer;
      };
      this.imageHashes.add(document_id, decodeDescriptors(descriptors, width, height));
    }
    for (const row of database.prepare("SELECT document_id, features FROM image_features").iterate()) {
      const { document_id, features } = row as { document_id: number; features: Buffer };
      const decoded = decodeFeatures(features, 0, 0);
      this.imageFeatures.add(document_id, decoded.descriptors, decoded.count);
    }
  }

  /** The stored document for a path when its mtime and size are unchanged; used to skip re-ingest. */
  unchanged(path: string, mtimeMs: number, size: number): boolean {
    const row = this.statements.byPath.get(path) as { mtime_ms: number; size: number } | undefined;
    return row !== undefined && row.mtime_ms === mtimeMs && row.size === size;
  }

  hasPath(path: string): boolean {
    return this.idOfPath(path) !== undefined;
  }

  idOfPath(path: string): number | undefined {
    return (this.statements.byPath.get(path) as { id: number } | undefined)?.id;
  }

  /** Removes any earlier version of the file; returns image URLs its page referenced. */
  removePath(path: string): string[] {
    const row = this.statements.byPath.get(path) as { id: number } | undefined;
    if (!row) return [];
    const referenced = this.statements.referencedUrls.all(row.id) as string[];
    this.statements.deleteText.run(row.id);
    this.statements.deleteDocument.run(row.id);
    this.imageHashes.remove(row.id);
    this.imageFeatures.remove(row.id);
    return referenced;
  }

  insertPage(file: StoredFile, page: ParsedPage): number {
    const id = Number(
      this.statements.insertDocument.run({
        path: file.path,
        url: page.declaredUrl ?? file.url,
        kind: "page",
        contentType: page.contentType,
        title: page.title,
        body: page.text,
        markdown: page.markdown,
        links: JSON.stringify(page.links),
        images: JSON.stringify(page.images.map(({ alt, url }) => ({ alt, url }))),
        mtimeMs: file.mtimeMs,
        size: file.size,
      }).lastInsertRowid,
    );
    this.statements.insertText.run(id, page.title, page.text);
    for (const image of page.images)
      this.statements.insertReference.run(id, image.url, image.alt, image.caption);
    return id;
  }

  insertImage(image: StoredImage): number {
    const id = Number(
      this.statements.insertDocument.run({
        path: image.path,
        url: image.url,
        kind: "image",
        contentType: "image",
        title: image.title,
        body: image.title,
        markdown: "",
        links: "[]",
        images: "[]",
        mtimeMs: image.mtimeMs,
        size: image.size,
      }).lastInsertRowid,
    );
    this.statements.insertText.run(id, image.title, image.title);
    const { descriptors } = image;
    this.statements.insertDescriptors.run(
      id,
      descriptors.width,
      descriptors.height,
      encodeDescriptors(descriptors),
    );
    this.imageHashes.add(id, descriptors);
    if (image.features && image.features.count > 0) {
      this.statements.insertFeatures.run(id, encodeFeatures(image.features));
      this.imageFeatures.add(id, image.features.descriptors, image.features.count);
    }
    return id;
  }

  /**
   * Rewrites the searchable text of the images at these URLs: file name plus every alt text and
   * caption of the pages that show them, so text-to-image search finds them by what pages say.
   */
  refreshImageText(imageUrls: Iterable<string>): void {
    for (const url of new Set(imageUrls)) {
      const references = this.statements.referencesTo.all(url) as {
        alt: string;
        caption: string;
        page_title: string;
      }[];
      for (const image of this.statements.imagesByUrl.all(url) as { id: number; title: string }[]) {
        const body = [
          image.title,
          ...references.flatMap((reference) => [reference.alt, reference.caption, reference.page_title]),
        ]
          .filter((part) => part.length > 0)
          .join("\n");
        this.statements.updateBody.run(body, image.id);
        this.statements.deleteText.run(image.id);
        this.statements.insertText.run(image.id, image.title, body);
      }
    }
  }

  storeEmbedding(documentId: number, vector: Float32Array): void {
    this.statements.insertEmbedding.run(
      documentId,
      Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength),
    );
  }

  document(id: number): DocumentRow | undefined {
    return this.statements.byId.get(id) as DocumentRow | undefined;
  }

  pageByUrlOrPath(key: string): DocumentRow | undefined {
    return this.statements.pageByUrlOrPath.get({ key }) as DocumentRow | undefined;
  }

  imageDescriptors(id: number): ImageDescriptors | undefined {
    const row = this.statements.descriptors.get(id) as
      | { width: number; height: number; descriptors: Buffer }
      | undefined;
    return row ? decodeDescriptors(row.descriptors, row.width, row.height) : undefined;
  }

  /** An indexed image's local features, with its own size (for regions in its pixels). */
  imageFeaturesOf(id: number): LocalFeatures | undefined {
    const row = this.statements.features.get(id) as
      | { features: Buffer; width: number; height: number }
      | undefined;
    return row ? decodeFeatures(row.features, row.width, row.height) : undefined;
  }

  /** Pages that show the image at this URL, oldest first. */
  pagesShowing(imageUrl: string): { pageUrl: string; pageTitle: string; alt: string }[] {
    return (
      this.statements.referencesTo.all(imageUrl) as { page_url: string; page_title: string; alt: string }[]
    ).map((row) => ({ pageUrl: row.page_url, pageTitle: row.page_title, alt: row.alt }));
  }

  transaction<T>(work: () => T): T {
    return this.database.transaction(work)();
  }

  close(): void {
    this.database.close();
  }
}
