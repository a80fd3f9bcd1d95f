import { dirname } from "node:path";
import Database from "better-sqlite3";
import { describeError, LoupeError } from "../../core/errors.js";
import { makeDirectory } from "../../core/make-directory.js";
import { DESCRIPTOR_BYTES } from "./image-descriptors.js";
import { FRAME_SIDE } from "./local-features.js";

/**
 * The on-disk layout of the local index. One SQLite file in WAL mode:
 * - documents: every ingested file (pages and images), with what readPage returns;
 * - document_text: FTS5 over title and body (for images the body is the file name, alt texts and
 *   captions of pages that show it), ranked with bm25;
 * - image_descriptors: one fixed-size blob per image (see image-descriptors.ts);
 * - image_features: ORB keypoints and descriptors of each image (see local-features.ts), from
 *   which the in-memory inverted index (feature-index.ts) is rebuilt at open;
 * - image_references: which page shows which image URL, with the alt text and caption;
 * - embeddings: optional vectors from an OpenAI-compatible embeddings endpoint.
 * The schema version includes the descriptor size, so a change of descriptors asks for a rebuild
 * instead of silently comparing incompatible blobs.
 */
export const SCHEMA_VERSION = `3/${DESCRIPTOR_BYTES}/orb-${FRAME_SIDE}`;

export type DocumentKind = "page" | "image";

export interface DocumentRow {
  id: number;
  path: string;
  url: string;
  kind: DocumentKind;
  content_type: string;
  title: string;
  body: string;
  markdown: string;
  links: string;
  images: string;
  mtime_ms: number;
  size: number;
}

export function openDatabase(path: string): Database.Database {
  if (path !== ":memory:") makeDirectory(dirname(path), "the local search index's folder");
  let database: Database.Database;
  try {
    database = new Database(path);
  } catch (error) {
    throw new LoupeError("config", `cannot open the local search index at ${path}: ${describeError(error)}`, {
      cause: error,
    });
  }
  database.pragma("journal_mode = WAL");
  database.pragma("synchronous = NORMAL");
  database.exec(`
    CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS documents (
      id INTEGER PRIMARY KEY,
      path TEXT NOT NULL UNIQUE,
      url TEXT NOT NULL,
      kind TEXT NOT NULL,
      content_type TEXT NOT NULL,
      title TEXT NOT NULL,
      body TEXT NOT NULL,
      markdown TEXT NOT NULL,
      links TEXT NOT NULL DEFAULT '[]',
      images TEXT NOT NULL DEFAULT '[]',
      mtime_ms REAL NOT NULL,
      size INTEGER NOT NULL
    );
    CREATE INDEX IF NOT EXISTS documents_url ON documents(url);
    CREATE VIRTUAL TABLE IF NOT EXISTS document_text USING fts5(title, body, tokenize = 'porter unicode61 remove_diacritics 2');
    CREATE TABLE IF NOT EXISTS image_descriptors (
      document_id INTEGER PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
      width INTEGER NOT NULL,
      height INTEGER NOT NULL,
      descriptors BLOB NOT NULL
    );
    CREATE TABLE IF NOT EXISTS image_features (
      document_id INTEGER PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
      features BLOB NOT NULL
    );
    CREATE TABLE IF NOT EXISTS image_references (
      page_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
      image_url TEXT NOT NULL,
      alt TEXT NOT NULL,
      caption TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS image_references_url ON image_references(image_url);
    CREATE INDEX IF NOT EXISTS image_references_page ON image_references(page_id);
    CREATE TABLE IF NOT EXISTS embeddings (
      document_id INTEGER PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
      vector BLOB NOT NULL
    );
  `);
  database.pragma("foreign_keys = ON");
  const version = database.prepare("SELECT value FROM meta WHERE key = 'schema'").pluck().get() as
    | string
    | undefined;
  if (version === undefined) {
    database.prepare("INSERT INTO meta (key, value) VALUES ('schema', ?)").run(SCHEMA_VERSION);
  } else if (version !== SCHEMA_VERSION) {
    database.close();
    throw new LoupeError(
      "config",
      `the local search index at ${path} was built by another Loupe version (${version})`,
      {
        hint: "delete the file and run `loupe index add` again",
      },
    );
  }
  return database;
}
