import { evalDataError } from "../eval-data-error.js";

/**
 * One row of a benchmark file, whatever the format (a JSONL line, a TSV record, a JSON array
 * element, a parquet row), with the place it came from, so every problem a loader finds names
 * the file, the row and the field.
 */
export interface DataRow {
  file: string;
  /** 1-based position of the row in the file (header excluded). */
  row: number;
  values: Record<string, unknown>;
}

function fail(row: DataRow, field: string, problem: string): never {
  throw evalDataError({ file: row.file, row: row.row, field }, problem);
}

/** A missing value: absent, null, NaN (pandas writes it as an empty TSV cell) or "". */
export function isMissing(value: unknown): boolean {
  return (
    value === undefined ||
    value === null ||
    value === "" ||
    (typeof value === "number" && Number.isNaN(value))
  );
}

/** Scalars as text: strings as they are, numbers and bigints (parquet INT64) in decimal. */
function scalarText(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "bigint" || typeof value === "boolean")
    return String(value);
  return undefined;
}

export function optionalText(row: DataRow, field: string): string | undefined {
  const value = row.values[field];
  if (isMissing(value)) return undefined;
  const text = scalarText(value);
  if (text === undefined) fail(row, field, `expected text, got ${describeValue(value)}`);
  return text;
}

/** A field that must be there and not empty (an id, a question, an answer). */
export function requiredText(row: DataRow, field: string): string {
  const text = optionalText(row, field);
  if (text === undefined || text.trim() === "") fail(row, field, "missing or empty");
  return text;
}

/** The first of `fields` that the row has, as text: releases spell some fields differently. */
export function firstText(row: DataRow, fields: readonly string[]): string | undefined {
  for (const field of fields) {
    const text = optionalText(row, field);
    if (text !== undefined) return text;
  }
  return undefined;
}

/**
 * A list of strings as releases store them: a real array (JSON, parquet), a JSON array in a
 * string (CSV/TSV cells), or a Python list literal (`['a', 'b']`, as pandas writes a list).
 */
export function textList(row: DataRow, field: string): string[] | undefined {
  const value = row.values[field];
  if (isMissing(value)) return undefined;
  const list = Array.isArray(value) ? value : typeof value === "string" ? parseListText(value) : undefined;
  if (list === undefined) fail(row, field, `expected a list of strings, got ${describeValue(value)}`);
  return list.map((entry, position) => {
    const text = scalarText(entry);
    if (text === undefined) fail(row, field, `entry ${position + 1} is ${describeValue(entry)}, not text`);
    return text;
  });
}

/** `["a","b"]` or `['a', "b's"]` to its strings; undefined for text that is not a list literal. */
export function parseListText(text: string): unknown[] | undefined {
  const trimmed = text.trim();
  if (!trimmed.startsWith("[") || !trimmed.endsWith("]")) return undefined;
  try {
    const parsed: unknown = JSON.parse(trimmed);
    return Array.isArray(parsed) ? parsed : undefined;
  } catch {
    return parsePythonStringList(trimmed);
  }
}

/** A Python list of string literals (single or double quoted, with backslash escapes). */
function parsePythonStringList(text: string): string[] | undefined {
  const items: string[] = [];
  let position = 1;
  const skipSpace = () => {
    while (position < text.length && /\s/.test(text[position]!)) position += 1;
  };
  skipSpace();
  if (text[position] === "]") return items;
  for (;;) {
    skipSpace();
    const quote = text[position];
    if (quote !== "'" && quote !== '"') return undefined;
    position += 1;
    let item = "";
    while (position < text.length && text[position] !== quote) {
      if (text[position] === "\\" && position + 1 < text.length) {
        const next = text[position + 1]!;
        item += next === "n" ? "\n" : next === "t" ? "\t" : next;
        position += 2;
      } else {
        item += text[position];
        position += 1;
      }
    }
    if (position >= text.length) return undefined;
    position += 1;
    items.push(item);
    skipSpace();
    if (text[position] === "]") return position === text.length - 1 ? items : undefined;
    if (text[position] !== ",") return undefined;
    position += 1;
  }
}

/** A field holding JSON: parsed when it is a string (CSV/TSV, parquet), as it is otherwise. */
export function jsonField(row: DataRow, field: string): unknown {
  const value = row.values[field];
  if (isMissing(value)) return undefined;
  if (typeof value !== "string") return value;
  try {
    return JSON.parse(value);
  } catch (error) {
    const list = parseListText(value);
    if (list !== undefined) return list;
    fail(row, field, `not valid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
}

/** 0/1, true/false, "0"/"1", "yes"/"no" as a boolean; undefined when absent. */
export function optionalFlag(row: DataRow, field: string): boolean | undefined {
  const value = row.values[field];
  if (isMissing(value)) return undefined;
  if (typeof value === "boolean") return value;
  const text = String(value).trim().toLowerCase();
  if (["1", "1.0", "true", "yes"].includes(text)) return true;
  if (["0", "0.0", "false", "no"].includes(text)) return false;
  fail(row, field, `expected 0/1 or true/false, got ${describeValue(value)}`);
}

export function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (value instanceof Uint8Array) return `${value.length} bytes`;
  if (typeof value === "string")
    return value.length > 40 ? `text "${value.slice(0, 40)}…"` : `text "${value}"`;
  return typeof value;
}

export { fail as failRow };
