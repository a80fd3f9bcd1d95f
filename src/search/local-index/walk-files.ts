import { readdir, stat } from "node:fs/promises";
import { extname, join, resolve } from "node:path";
import { LoupeError } from "../../core/errors.js";

export type FileFormat = "html" | "markdown" | "text" | "pdf" | "image";

const FORMAT_BY_EXTENSION: Record<string, FileFormat> = {
  ".html": "html",
  ".htm": "html",
  ".xhtml": "html",
  ".md": "markdown",
  ".markdown": "markdown",
  ".txt": "text",
  ".text": "text",
  ".pdf": "pdf",
  ".jpg": "image",
  ".jpeg": "image",
  ".png": "image",
  ".webp": "image",
  ".gif": "image",
  ".tif": "image",
  ".tiff": "image",
};

export function formatOf(path: string): FileFormat | undefined {
  return FORMAT_BY_EXTENSION[extname(path).toLowerCase()];
}

export interface FoundFile {
  path: string;
  format: FileFormat;
}

/**
 * Every indexable file under the given paths (folders walked recursively, hidden entries skipped),
 * sorted so that ingest order, and therefore document ids, are reproducible.
 */
export async function findIndexableFiles(paths: string[]): Promise<FoundFile[]> {
  const found: FoundFile[] = [];
  for (const given of paths) {
    const absolute = resolve(given);
    const info = await stat(absolute).catch((error: unknown) => {
      throw new LoupeError("tool-input", `cannot index ${given}: no such file or folder`, { cause: error });
    });
    if (info.isDirectory()) await walk(absolute, found);
    else {
      const format = formatOf(absolute);
      if (format) found.push({ path: absolute, format });
    }
  }
  const unique = new Map(found.map((file) => [file.path, file]));
  return [...unique.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

async function walk(folder: string, found: FoundFile[]): Promise<void> {
  const entries = await readdir(folder, { withFileTypes: true });
  for (const entry of entries) {
    if (entry.name.startsWith(".")) continue;
    const path = join(folder, entry.name);
    if (entry.isDirectory()) await walk(path, found);
    else if (entry.isFile()) {
      const format = formatOf(path);
      if (format) found.push({ path, format });
    }
  }
}
