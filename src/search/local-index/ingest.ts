import { readFile, stat } from "node:fs/promises";
import { pathToFileURL } from "node:url";
import sharp from "sharp";
import { describeError } from "../../core/errors.js";
import type { ParseLimits } from "../parsing/parse-limits.js";
import type { ParserPool } from "../parsing/parser-pool.js";
import type { DocumentStore } from "./document-store.js";
import type { EmbeddingsClient } from "./embeddings-client.js";
import { describeImage, type ImageDescriptors } from "./image-descriptors.js";
import { describeLocalFeatures, type LocalFeatures } from "./local-features.js";
import { parseMarkdown, parsePdf, parsePlainText, titleFromFileName } from "./parse-text.js";
import type { ParsedPage } from "./parsed-document.js";
import { type FoundFile, findIndexableFiles } from "./walk-files.js";

export interface IngestReport {
  /** Pages (HTML, Markdown, text, PDF) added or updated. */
  documents: number;
  images: number;
  /** Unchanged files (same mtime and size as when indexed). */
  skipped: number;
  failed: { path: string; reason: string }[];
  /** Problems that did not stop a file from being indexed (an embeddings endpoint failing, say). */
  warnings: string[];
  seconds: number;
}

export interface IngestProgress {
  done: number;
  total: number;
  path: string;
}

/** Files parsed in one go, then written in one transaction. */
const BATCH_SIZE = 64;
/** Characters of a page sent to the embeddings endpoint. */
const EMBEDDED_TEXT_LENGTH = 2_000;

type ParsedFile =
  | { kind: "page"; file: FoundFile; mtimeMs: number; size: number; page: ParsedPage; embedInput: string }
  | {
      kind: "image";
      file: FoundFile;
      mtimeMs: number;
      size: number;
      descriptors: ImageDescriptors;
      features: LocalFeatures;
      embedInput: string;
    };

/** Where and within what limits HTML and PDF files are parsed (they are untrusted input too). */
export interface IngestParsing {
  pool: ParserPool;
  limits: ParseLimits;
}

export async function ingestPaths(
  store: DocumentStore,
  paths: string[],
  embeddings: EmbeddingsClient | undefined,
  parsing: IngestParsing,
  onProgress?: (progress: IngestProgress) => void,
): Promise<IngestReport> {
  const started = performance.now();
  const report: IngestReport = { documents: 0, images: 0, skipped: 0, failed: [], warnings: [], seconds: 0 };
  const files = await findIndexableFiles(paths);
  for (let start = 0; start < files.length; start += BATCH_SIZE) {
    const parsed: ParsedFile[] = [];
    for (const [offset, file] of files.slice(start, start + BATCH_SIZE).entries()) {
      onProgress?.({ done: start + offset, total: files.length, path: file.path });
      try {
        const info = await stat(file.path);
        if (store.unchanged(file.path, info.mtimeMs, info.size)) {
          report.skipped++;
          continue;
        }
        parsed.push(await parseFile(file, info.mtimeMs, info.size, embeddings !== undefined, parsing));
      } catch (error) {
        report.failed.push({ path: file.path, reason: describeError(error) });
      }
    }
    const vectors = await embedBatch(parsed, embeddings, report);
    writeBatch(store, parsed, vectors, report);
  }
  onProgress?.({ done: files.length, total: files.length, path: "" });
  report.seconds = (performance.now() - started) / 1000;
  return report;
}

async function parseFile(
  file: FoundFile,
  mtimeMs: number,
  size: number,
  wantsEmbedding: boolean,
  parsing: IngestParsing,
): Promise<ParsedFile> {
  const fileUrl = pathToFileURL(file.path).href;
  if (file.format === "image") {
    const bytes = await readFile(file.path);
    const descriptors = await describeImage(bytes);
    const features = await describeLocalFeatures(bytes);
    const embedInput = wantsEmbedding ? await imageDataUrl(bytes) : "";
    return { kind: "image", file, mtimeMs, size, descriptors, features, embedInput };
  }
  let page: ParsedPage;
  if (file.format === "pdf") page = await parsePdf(await readFile(file.path), file.path, parsing);
  else {
    const text = await readFile(file.path, "utf8");
    if (file.format === "html")
      page = await parsing.pool.parse(
        { kind: "index-html", html: text, fileUrl },
        { limits: parsing.limits, subject: `the page ${file.path}` },
      );
    else if (file.format === "markdown") page = parseMarkdown(text, fileUrl, file.path);
    else page = parsePlainText(text, file.path);
  }
  if (!page.title) page.title = titleFromFileName(file.path);
  const embedInput = `${page.title}\n${page.text}`.slice(0, EMBEDDED_TEXT_LENGTH);
  return { kind: "page", file, mtimeMs, size, page, embedInput };
}

/** A small JPEG data URL: CLIP-style servers need no more than a few hundred pixels. */
export async function imageDataUrl(bytes: Uint8Array): Promise<string> {
  const jpeg = await sharp(bytes)
    .rotate()
    .resize(336, 336, { fit: "inside" })
    .jpeg({ quality: 85 })
    .toBuffer();
  return `data:image/jpeg;base64,${jpeg.toString("base64")}`;
}

async function embedBatch(
  parsed: ParsedFile[],
  embeddings: EmbeddingsClient | undefined,
  report: IngestReport,
): Promise<(Float32Array | undefined)[]> {
  if (!embeddings || parsed.length === 0) return [];
  try {
    return await embeddings.embed(parsed.map((item) => item.embedInput));
  } catch (error) {
    report.warnings.push(`embeddings skipped for ${parsed.length} files: ${describeError(error)}`);
    return [];
  }
}

function writeBatch(
  store: DocumentStore,
  parsed: ParsedFile[],
  vectors: (Float32Array | undefined)[],
  report: IngestReport,
): void {
  store.transaction(() => {
    const touchedImageUrls: string[] = [];
    for (const [position, item] of parsed.entries()) {
      touchedImageUrls.push(...store.removePath(item.file.path));
      const file = {
        path: item.file.path,
        url: pathToFileURL(item.file.path).href,
        mtimeMs: item.mtimeMs,
        size: item.size,
      };
      let id: number;
      if (item.kind === "page") {
        id = store.insertPage(file, item.page);
        touchedImageUrls.push(...item.page.images.map((image) => image.url));
        report.documents++;
      } else {
        id = store.insertImage({
          ...file,
          title: titleFromFileName(item.file.path),
          descriptors: item.descriptors,
          features: item.features,
        });
        touchedImageUrls.push(file.url);
        report.images++;
      }
      const vector = vectors[position];
      if (vector) store.storeEmbedding(id, vector);
    }
    store.refreshImageText(touchedImageUrls);
  });
}
