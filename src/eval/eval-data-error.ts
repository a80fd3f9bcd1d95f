import { LoupeError } from "../core/errors.js";

/** Where in a data file a problem is: the file, and the row (1-based) and field when known. */
export interface DataPlace {
  file: string;
  /** 1-based: the line of a JSONL file, the record of a TSV/CSV (header excluded), the element of a JSON array, the row of a parquet file. */
  row?: number;
  field?: string;
}

/** A LoupeError "eval-data" that names the file, row and field: `bench.tsv row 12, field "image": ...`. */
export function evalDataError(place: DataPlace, problem: string, cause?: unknown): LoupeError {
  const where = [
    place.file,
    place.row === undefined ? undefined : `row ${place.row}`,
    place.field === undefined ? undefined : `field "${place.field}"`,
  ]
    .filter((part) => part !== undefined)
    .join(", ");
  return new LoupeError("eval-data", `${where}: ${problem}`, cause === undefined ? {} : { cause });
}
