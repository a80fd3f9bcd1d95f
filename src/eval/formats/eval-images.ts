import { existsSync } from "node:fs";
import { dirname, isAbsolute, join } from "node:path";
import type { EvalImage } from "../eval-item.js";
import { type DataRow, describeValue, failRow, isMissing, parseListText } from "./data-row.js";

/**
 * An item's images from whatever a release stores: bytes (parquet), a `{bytes, path}` struct
 * (Hugging Face's Image feature), base64 text (VLMEvalKit's TSVs), a data: URL, an http(s) URL,
 * a path relative to the data file (or to `imageRoot`), or a list of any of these (a JSON or
 * Python list literal in a TSV cell). Decoded bytes must start like an image (JPEG, PNG, GIF,
 * WebP, BMP, TIFF), so a truncated or mangled cell is reported here, naming its row and field,
 * and not later as an unreadable image in the middle of a run.
 */
export interface ImageContext {
  /** Folder that relative paths are read from: `imageRoot`, else the data file's folder. */
  imageRoot?: string;
}

export function imagesOf(row: DataRow, field: string, context: ImageContext = {}): EvalImage[] {
  const value = row.values[field];
  if (isMissing(value)) return [];
  return toImages(row, field, value, context);
}

function toImages(row: DataRow, field: string, value: unknown, context: ImageContext): EvalImage[] {
  if (isMissing(value)) return [];
  if (value instanceof Uint8Array) return [checkedBytes(row, field, value)];
  if (Array.isArray(value)) return value.flatMap((entry) => toImages(row, field, entry, context));
  if (typeof value === "object") {
    const struct = value as { bytes?: unknown; path?: unknown };
    if (struct.bytes instanceof Uint8Array && struct.bytes.length > 0)
      return [
        checkedBytes(row, field, struct.bytes, typeof struct.path === "string" ? struct.path : undefined),
      ];
    if (typeof struct.bytes === "string" && struct.bytes !== "")
      return toImages(row, field, struct.bytes, context);
    if (typeof struct.path === "string" && struct.path !== "")
      return toImages(row, field, struct.path, context);
    failRow(row, field, "an image struct with neither bytes nor a path");
  }
  if (typeof value !== "string") failRow(row, field, `expected an image, got ${describeValue(value)}`);
  const text = value.trim();
  const list = text.startsWith("[") ? parseListText(text) : undefined;
  if (list !== undefined) return list.flatMap((entry) => toImages(row, field, entry, context));
  if (/^data:image\/[\w.+-]+;base64,/i.test(text)) {
    return [checkedBytes(row, field, Buffer.from(text.slice(text.indexOf(",") + 1), "base64"))];
  }
  if (/^https?:\/\//i.test(text)) return [{ kind: "url", url: text }];
  if (looksLikeBase64(text)) return [checkedBytes(row, field, Buffer.from(text, "base64"))];
  return [{ kind: "path", path: resolveImagePath(row, text, context) }];
}

/** Base64 of an image is long and uses only its alphabet; a file name is short or has a dot. */
export function looksLikeBase64(text: string): boolean {
  return text.length > 64 && /^[A-Za-z0-9+/\r\n]+={0,2}$/.test(text);
}

export function resolveImagePath(row: DataRow, path: string, context: ImageContext): string {
  if (isAbsolute(path)) return path;
  return join(context.imageRoot ?? dirname(row.file), path);
}

/** The first of `candidates` (relative paths) that exists under the image root, else the first. */
export function firstExistingPath(
  row: DataRow,
  candidates: readonly string[],
  context: ImageContext,
): EvalImage {
  const paths = candidates.map((candidate) => resolveImagePath(row, candidate, context));
  return { kind: "path", path: paths.find((path) => existsSync(path)) ?? paths[0]! };
}

function checkedBytes(row: DataRow, field: string, bytes: Uint8Array, name?: string): EvalImage {
  if (!startsLikeImage(bytes))
    failRow(
      row,
      field,
      `${bytes.length} bytes that are not an image (no JPEG, PNG, GIF, WebP, BMP or TIFF signature)`,
    );
  return name === undefined ? { kind: "bytes", bytes } : { kind: "bytes", bytes, name };
}

export function startsLikeImage(bytes: Uint8Array): boolean {
  const starts = (...signature: number[]) => signature.every((byte, index) => bytes[index] === byte);
  return (
    starts(0xff, 0xd8, 0xff) ||
    starts(0x89, 0x50, 0x4e, 0x47) ||
    starts(0x47, 0x49, 0x46, 0x38) ||
    (starts(0x52, 0x49, 0x46, 0x46) &&
      bytes[8] === 0x57 &&
      bytes[9] === 0x45 &&
      bytes[10] === 0x42 &&
      bytes[11] === 0x50) ||
    starts(0x42, 0x4d) ||
    starts(0x49, 0x49, 0x2a, 0x00) ||
    starts(0x4d, 0x4d, 0x00, 0x2a)
  );
}
