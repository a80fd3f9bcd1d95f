import { createReadStream } from "node:fs";
import { evalDataError } from "../eval-data-error.js";
import type { DataRow } from "./data-row.js";

/**
 * TSV and CSV as pandas writes them (VLMEvalKit's TSVs are `DataFrame.to_csv(sep="\t")`): a
 * header line, then one record per line, a field quoted with `"` when it holds the separator, a
 * quote or a line break (quotes inside doubled). The parser works on bytes, not text, so it can
 * report where each record starts (a record referring to another one's image is read again from
 * its offset, see vlmevalkit-tsv.ts) and so a 40 MB base64 cell is a list of buffer slices, not
 * a growing string. UTF-8 never puts the separator, a quote or a line break inside a
 * multi-byte character, so splitting on those bytes is safe.
 */
export interface DelimitedRecord {
  fields: string[];
  /** Byte offset of the record's first byte in the file. */
  offset: number;
}

const quote = 0x22;
const newline = 0x0a;
const carriageReturn = 0x0d;

export async function* readDelimitedRecords(
  file: string,
  separator: "\t" | ",",
  start = 0,
): AsyncGenerator<DelimitedRecord> {
  const separatorByte = separator.charCodeAt(0);
  let fields: string[] = [];
  let pieces: Buffer[] = [];
  let inQuotes = false;
  let quoteSeen = false; // a quote inside a quoted field: the end, or the first of a doubled pair
  let fieldStarted = false;
  let recordOffset = start;
  let position = start;
  let pendingCarriageReturn = false;

  const endField = () => {
    fields.push(Buffer.concat(pieces).toString("utf8"));
    pieces = [];
    fieldStarted = false;
    quoteSeen = false;
  };

  for await (const chunk of createReadStream(file, {
    start,
    highWaterMark: 1 << 20,
  }) as AsyncIterable<Buffer>) {
    let sliceStart = 0;
    for (let index = 0; index < chunk.length; index += 1) {
      const byte = chunk[index]!;
      if (inQuotes) {
        if (quoteSeen) {
          quoteSeen = false;
          if (byte === quote) {
            pieces.push(Buffer.from([quote]));
            sliceStart = index + 1;
            continue;
          }
          inQuotes = false; // the quote closed the field; fall through to read this byte
        } else {
          if (byte === quote) {
            if (index > sliceStart) pieces.push(chunk.subarray(sliceStart, index));
            quoteSeen = true;
            sliceStart = index + 1;
          }
          continue;
        }
      }
      if (byte === quote && !fieldStarted) {
        inQuotes = true;
        fieldStarted = true;
        sliceStart = index + 1;
        continue;
      }
      if (byte === separatorByte || byte === newline) {
        let end = index;
        if (byte === newline) {
          // \r\n line ends: the \r is no part of the field (it may have ended the last chunk)
          if (index > sliceStart && chunk[index - 1] === carriageReturn) end = index - 1;
          else if (index === 0 && pendingCarriageReturn && pieces.length > 0) {
            const last = pieces.pop()!;
            pieces.push(last.subarray(0, last.length - 1));
          }
        }
        if (end > sliceStart) pieces.push(chunk.subarray(sliceStart, end));
        pendingCarriageReturn = false;
        endField();
        sliceStart = index + 1;
        if (byte === newline) {
          const record = { fields, offset: recordOffset };
          fields = [];
          recordOffset = position + index + 1;
          if (!(record.fields.length === 1 && record.fields[0] === "")) yield record;
        }
        continue;
      }
      fieldStarted = true;
    }
    if (inQuotes && quoteSeen) {
      // the chunk ended right after a quote: keep deciding with the next chunk
    } else if (chunk.length > sliceStart) {
      const tail = chunk.subarray(sliceStart);
      pendingCarriageReturn = !inQuotes && tail[tail.length - 1] === carriageReturn;
      pieces.push(tail);
    }
    position += chunk.length;
  }
  if (inQuotes && !quoteSeen)
    throw evalDataError({ file }, "a quoted field is not closed before the end of the file");
  if (fieldStarted || pieces.length > 0 || fields.length > 0) {
    if (pendingCarriageReturn && pieces.length > 0) {
      const last = pieces.pop()!;
      pieces.push(last.subarray(0, last.length - 1));
    }
    endField();
    yield { fields, offset: recordOffset };
  }
}

/** The one record that starts at `offset` (as `readDelimitedRecords` reported it). */
export async function readRecordAt(file: string, separator: "\t" | ",", offset: number): Promise<string[]> {
  for await (const record of readDelimitedRecords(file, separator, offset)) return record.fields;
  throw evalDataError({ file }, `no record at byte ${offset}`);
}

export function separatorFor(file: string): "\t" | "," {
  return /\.csv$/i.test(file) ? "," : "\t";
}

/** Rows keyed by the header's names; a record with more fields than the header is an error. */
export async function* readDelimitedRows(file: string): AsyncGenerator<DataRow & { offset: number }> {
  const separator = separatorFor(file);
  let header: string[] | undefined;
  let row = 0;
  for await (const record of readDelimitedRecords(file, separator)) {
    if (header === undefined) {
      header = record.fields.map((name, position) => (position === 0 ? name.replace(/^\uFEFF/, "") : name));
      continue;
    }
    row += 1;
    yield { file, row, offset: record.offset, values: keyed(file, row, header, record.fields) };
  }
  if (header === undefined) throw evalDataError({ file }, "the file is empty (no header line)");
}

export function keyed(
  file: string,
  row: number,
  header: string[],
  fields: string[],
): Record<string, unknown> {
  if (fields.length > header.length)
    throw evalDataError({ file, row }, `${fields.length} fields but the header names ${header.length}`);
  const values: Record<string, unknown> = {};
  header.forEach((name, position) => {
    values[name] = fields[position] ?? "";
  });
  return values;
}
