import { extname } from "node:path";
import { evalDataError } from "../eval-data-error.js";
import type { DataRow } from "./data-row.js";
import { readDelimitedRows } from "./delimited.js";
import { readJsonArray } from "./json-array.js";
import { readJsonLines } from "./json-lines.js";
import { readParquetRows } from "./parquet.js";

export type DataFormat = "jsonl" | "json" | "tsv" | "csv" | "parquet";

/** The format a file's name says: .jsonl/.ndjson, .json, .tsv, .csv, .parquet. */
export function formatOf(file: string): DataFormat {
  const extension = extname(file).toLowerCase();
  if (extension === ".jsonl" || extension === ".ndjson") return "jsonl";
  if (extension === ".json") return "json";
  if (extension === ".tsv") return "tsv";
  if (extension === ".csv") return "csv";
  if (extension === ".parquet") return "parquet";
  throw evalDataError({ file }, "unknown format: name the file .jsonl, .json, .tsv, .csv or .parquet");
}

/** The rows of a data file in any format Loupe reads, streamed. */
export function readRows(file: string): AsyncGenerator<DataRow> {
  const format = formatOf(file);
  if (format === "jsonl") return readJsonLines(file);
  if (format === "json") return readJsonArray(file);
  if (format === "parquet") return readParquetRows(file);
  return readDelimitedRows(file);
}

/** Refuses a format the benchmark was never released in, naming the ones it was. */
export function requireFormat(file: string, accepted: readonly DataFormat[], benchmark: string): DataFormat {
  const format = formatOf(file);
  if (!accepted.includes(format))
    throw evalDataError({ file }, `${benchmark} is read from ${accepted.join(", ")} files, not ${format}`);
  return format;
}
