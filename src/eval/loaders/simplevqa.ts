import type { BenchmarkDefinition, LoadOptions } from "../benchmark.js";
import type { EvalItem } from "../eval-item.js";
import { firstText, optionalText, requiredText } from "../formats/data-row.js";
import { imagesOf } from "../formats/eval-images.js";
import { readRows, requireFormat } from "../formats/read-rows.js";

/**
 * SimpleVQA (m-a-p/SimpleVQA, 2,024 rows, English and Chinese): `data_id`, `image` (bytes,
 * base64 or a path), `question`, `answer`, `language`, and category fields
 * (`original_category`, `vqa_category`; their exact names are unverified here, the first present
 * is used). Graded SimpleQA-style (correct / incorrect / not attempted) by a judge.
 * meta: `language`, and every category field present.
 */
export const simplevqa: BenchmarkDefinition = {
  name: "simplevqa",
  description:
    "SimpleVQA: short factual visual questions (EN/ZH), SimpleQA-style judged correct / incorrect / not attempted",
  formats: ["parquet", "jsonl", "tsv"],
  dataFiles: ["SimpleVQA.parquet", "simplevqa.jsonl", "SimpleVQA.tsv"],
  categories: "category: vqa_category or original_category; meta.language",
  hubNote:
    "m-a-p/SimpleVQA on the hub; its file layout is unverified here, so fetch names no file: download it from the dataset page.",
  load: loadSimplevqa,
};

const categoryFields = ["vqa_category", "original_category", "category"];

async function* loadSimplevqa(file: string, options: LoadOptions = {}): AsyncGenerator<EvalItem> {
  requireFormat(file, simplevqa.formats, "simplevqa");
  for await (const row of readRows(file)) {
    const category = firstText(row, categoryFields);
    const meta: Record<string, unknown> = {};
    for (const field of ["language", ...categoryFields]) {
      const value = optionalText(row, field);
      if (value !== undefined) meta[field === "language" ? "language" : field] = value;
    }
    yield {
      id: firstText(row, ["data_id", "id", "index"]) ?? `row${row.row}`,
      benchmark: "simplevqa",
      question: requiredText(row, "question"),
      answer: requiredText(row, "answer"),
      images: imagesOf(row, row.values.image !== undefined ? "image" : "image_path", options),
      ...(category === undefined ? {} : { category }),
      meta,
    };
  }
}
