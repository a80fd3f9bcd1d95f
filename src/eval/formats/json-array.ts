import { createReadStream } from "node:fs";
import { evalDataError } from "../eval-data-error.js";
import type { DataRow } from "./data-row.js";

/**
 * The elements of a JSON file whose top level is an array (MME-RealWorld's JSON, LiveVQA's
 * benchmark.json), one element at a time: the file is scanned in chunks and each top-level
 * element parsed on its own, so a large file is never held whole. A top-level object of objects
 * (an id → item map) yields its values, each with its key as `__key`.
 */
export async function* readJsonArray(file: string): AsyncGenerator<DataRow> {
  const scanner = new TopLevelScanner(file);
  for await (const chunk of createReadStream(file, { encoding: "utf8", highWaterMark: 1 << 20 })) {
    for (const element of scanner.push(chunk as string)) yield element;
  }
  scanner.end();
}

class TopLevelScanner {
  #container: "array" | "object" | undefined;
  #depth = 0;
  #inString = false;
  #escaped = false;
  #element = "";
  #row = 0;
  #done = false;

  constructor(readonly file: string) {}

  *push(chunk: string): Generator<DataRow> {
    let start = 0;
    for (let index = 0; index < chunk.length; index += 1) {
      const char = chunk[index]!;
      if (this.#container === undefined) {
        if (/\s/.test(char) || char === "\uFEFF") continue;
        if (char === "[") this.#container = "array";
        else if (char === "{") this.#container = "object";
        else throw evalDataError({ file: this.file }, "expected a JSON array (or object) at the top level");
        this.#depth = 1;
        start = index + 1;
        continue;
      }
      if (this.#done) {
        if (!/\s/.test(char))
          throw evalDataError({ file: this.file }, "text after the end of the top-level JSON value");
        continue;
      }
      if (this.#inString) {
        if (this.#escaped) this.#escaped = false;
        else if (char === "\\") this.#escaped = true;
        else if (char === '"') this.#inString = false;
        continue;
      }
      if (char === '"') this.#inString = true;
      else if (char === "[" || char === "{") this.#depth += 1;
      else if (char === "]" || char === "}") {
        this.#depth -= 1;
        if (this.#depth === 0) {
          this.#element += chunk.slice(start, index);
          start = index + 1;
          const last = this.#finishElement(true);
          if (last) yield last;
          this.#done = true;
        }
      } else if (char === "," && this.#depth === 1) {
        this.#element += chunk.slice(start, index);
        start = index + 1;
        const element = this.#finishElement(false);
        if (element) yield element;
      }
    }
    if (this.#container !== undefined && !this.#done) this.#element += chunk.slice(start);
  }

  end(): void {
    if (!this.#done)
      throw evalDataError({ file: this.file }, "the JSON ends before its top-level value closes");
  }

  #finishElement(last: boolean): DataRow | undefined {
    const text = this.#element.trim();
    this.#element = "";
    if (text === "") {
      if (last && this.#row === 0) return undefined;
      throw evalDataError({ file: this.file, row: this.#row + 1 }, "an empty element");
    }
    this.#row += 1;
    const row = this.#row;
    if (this.#container === "object") {
      const colon = keyEnd(text);
      if (colon < 0) throw evalDataError({ file: this.file, row }, 'expected `"key": value`');
      const key = parseJson(this.file, row, text.slice(0, colon));
      const value = parseJson(this.file, row, text.slice(colon + 1));
      return toRow(this.file, row, value, String(key));
    }
    return toRow(this.file, row, parseJson(this.file, row, text), undefined);
  }
}

/** The index of the colon after the member's key string. */
function keyEnd(text: string): number {
  let escaped = false;
  for (let index = 1; index < text.length; index += 1) {
    const char = text[index]!;
    if (escaped) escaped = false;
    else if (char === "\\") escaped = true;
    else if (char === '"') return text.indexOf(":", index + 1);
  }
  return -1;
}

function parseJson(file: string, row: number, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw evalDataError(
      { file, row },
      `not valid JSON (${error instanceof Error ? error.message : String(error)})`,
    );
  }
}

function toRow(file: string, row: number, value: unknown, key: string | undefined): DataRow {
  if (value === null || typeof value !== "object" || Array.isArray(value))
    throw evalDataError({ file, row }, "each element must be a JSON object");
  const values = value as Record<string, unknown>;
  return { file, row, values: key === undefined ? values : { __key: key, ...values } };
}
