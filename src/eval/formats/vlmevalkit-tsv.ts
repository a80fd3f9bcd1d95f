import { evalDataError } from "../eval-data-error.js";
import type { EvalImage } from "../eval-item.js";
import { type DataRow, isMissing, optionalText } from "./data-row.js";
import { keyed, readDelimitedRecords, readRecordAt, separatorFor } from "./delimited.js";
import { type ImageContext, imagesOf } from "./eval-images.js";

/**
 * VLMEvalKit's TSV layout (VStarBench.tsv, HRBench4K.tsv, MME-RealWorld*.tsv, TreeBench.tsv and
 * the rest): `index`, `question`, option columns `A`, `B`, ..., `answer`, `category`,
 * `l2-category`, and the image as base64 in `image` (a Python list literal of base64 strings for
 * several images) or as paths in `image_path`. To save space an `image` cell of 64 characters or
 * fewer is not an image but the `index` of another row whose image it shares (VLMEvalKit's
 * ImageBaseDataset resolves it the same way). That row is read again from its byte offset when
 * it came earlier, or found by reading on when it comes later, so the file is still read as a
 * stream; the last shared image is kept, since rows sharing one usually follow each other.
 */
export interface VlmevalkitRow {
  row: DataRow;
  images: EvalImage[];
}

const requiredColumns = ["index", "question"] as const;

export async function* readVlmevalkitRows(
  file: string,
  context: ImageContext = {},
): AsyncGenerator<VlmevalkitRow> {
  const separator = separatorFor(file);
  const offsets = new Map<string, number>();
  let header: string[] | undefined;
  let row = 0;
  let shared: { index: string; images: EvalImage[] } | undefined;
  for await (const record of readDelimitedRecords(file, separator)) {
    if (header === undefined) {
      header = record.fields.map((name, position) => (position === 0 ? name.replace(/^\uFEFF/, "") : name));
      const missing = requiredColumns.filter((column) => !header!.includes(column));
      if (!header.includes("image") && !header.includes("image_path"))
        missing.push("image or image_path" as never);
      if (missing.length > 0)
        throw evalDataError(
          { file },
          `not a VLMEvalKit TSV: no column ${missing.join(", ")} (columns: ${header.join(", ")})`,
        );
      continue;
    }
    row += 1;
    const dataRow: DataRow = { file, row, values: keyed(file, row, header, record.fields) };
    const index = optionalText(dataRow, "index");
    if (index === undefined) throw evalDataError({ file, row, field: "index" }, "missing or empty");
    offsets.set(index, record.offset);
    const cell = dataRow.values.image;
    let images: EvalImage[];
    if (typeof cell === "string" && !isMissing(cell) && cell.trim().length <= 64) {
      const target = cell.trim();
      if (shared?.index !== target) {
        const targetRow = await findRow(file, separator, header, offsets, target, record.offset, {
          file,
          row,
        });
        if (typeof targetRow.values.image === "string" && targetRow.values.image.trim().length <= 64)
          throw evalDataError(
            { file, row, field: "image" },
            `refers to row index ${target}, whose image is itself a reference`,
          );
        shared = { index: target, images: imagesOf(targetRow, "image", context) };
      }
      images = shared.images;
    } else if (!isMissing(cell)) {
      images = imagesOf(dataRow, "image", context);
      shared = { index, images };
    } else {
      images = imagesOf(dataRow, "image_path", context);
    }
    yield { row: dataRow, images };
  }
  if (header === undefined) throw evalDataError({ file }, "the file is empty (no header line)");
}

async function findRow(
  file: string,
  separator: "\t" | ",",
  header: string[],
  offsets: Map<string, number>,
  target: string,
  from: number,
  place: { file: string; row: number },
): Promise<DataRow> {
  const known = offsets.get(target);
  if (known !== undefined)
    return {
      file,
      row: place.row,
      values: keyed(file, place.row, header, await readRecordAt(file, separator, known)),
    };
  for await (const record of readDelimitedRecords(file, separator, from)) {
    const values = keyed(file, place.row, header, record.fields);
    if (String(values.index) === target) return { file, row: place.row, values };
  }
  throw evalDataError(
    { ...place, field: "image" },
    `refers to row index ${target}, which the file does not have`,
  );
}

/** The option columns A, B, C, ... present and filled, in order (VLMEvalKit stops at the first gap). */
export function optionColumns(row: DataRow): string[] {
  const choices: string[] = [];
  for (let code = 65; code <= 90; code += 1) {
    const text = optionalText(row, String.fromCharCode(code));
    if (text === undefined) break;
    choices.push(text);
  }
  return choices;
}
