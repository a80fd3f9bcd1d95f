import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } from "hyparquet";
import { evalDataError } from "../eval-data-error.js";
import type { DataRow } from "./data-row.js";

/**
 * The rows of a parquet file (Hugging Face's releases: MMSearch, FVQA, MMSearch-Plus, ...) through
 * hyparquet, one row group at a time, so memory follows the largest row group, not the file.
 * Byte arrays without a string annotation stay bytes (`utf8: false`): image columns are
 * `{bytes, path}` structs whose bytes must not be decoded as text. Snappy is the codec hyparquet
 * reads itself (what `datasets` writes); another codec is refused with its name.
 */
export async function* readParquetRows(file: string): AsyncGenerator<DataRow> {
  let buffer: Awaited<ReturnType<typeof asyncBufferFromFile>>;
  let metadata: Awaited<ReturnType<typeof parquetMetadataAsync>>;
  try {
    buffer = await asyncBufferFromFile(file);
    metadata = await parquetMetadataAsync(buffer);
  } catch (error) {
    throw evalDataError({ file }, `not a readable parquet file (${describe(error)})`, error);
  }
  let rowStart = 0;
  for (const group of metadata.row_groups) {
    const rowEnd = rowStart + Number(group.num_rows);
    let rows: Record<string, unknown>[];
    try {
      rows = await parquetReadObjects({ file: buffer, metadata, rowStart, rowEnd, utf8: false });
    } catch (error) {
      throw evalDataError(
        { file, row: rowStart + 1 },
        `cannot read rows ${rowStart + 1}–${rowEnd} (${describe(error)})`,
        error,
      );
    }
    for (const [offset, values] of rows.entries()) yield { file, row: rowStart + offset + 1, values };
    rowStart = rowEnd;
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
