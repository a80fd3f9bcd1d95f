import type { BenchmarkDefinition, LoadOptions } from "../benchmark.js";
import type { EvalItem } from "../eval-item.js";
import { type DataRow, failRow, optionalText, requiredText, textList } from "../formats/data-row.js";
import { imagesOf } from "../formats/eval-images.js";
import { readRows, requireFormat } from "../formats/read-rows.js";
import { optionColumns, readVlmevalkitRows } from "../formats/vlmevalkit-tsv.js";

/**
 * Users' own sets, in JSONL or CSV (docs/evaluation.md, "The generic format"):
 * - `id` (required, unique), `question` (required), `answer` (required: the option letter when
 *   there are choices, else the answer text);
 * - `choices`: a list (JSON array; in CSV a JSON array in the cell), or option columns `A`, `B`, ...;
 * - `aliases`: further accepted answers, a list (in CSV a JSON array or `|`-separated);
 * - `image` or `images`: a path (relative to the data file), an http(s) URL, a data: URL or
 *   base64 text, or a list of these;
 * - `category`, `subcategory`;
 * every other field goes to `meta` as it is.
 * A TSV is read as VLMEvalKit's layout (its columns tell it: `index`, `question`, `A`...,
 * `answer`, `category`, `l2-category`, base64 `image` or `image_path`), `index` as the id.
 */
export const generic: BenchmarkDefinition = {
  name: "generic",
  description:
    "your own set: JSONL, CSV (or a VLMEvalKit-style TSV) with id, question, choices?, answer, aliases?, image(s), category",
  formats: ["jsonl", "csv", "tsv"],
  dataFiles: ["data.jsonl", "data.csv"],
  categories: "category and subcategory as the file gives them",
  hubNote: "your own data: nothing to fetch.",
  load: loadGeneric,
};

const known = new Set([
  "id",
  "question",
  "answer",
  "choices",
  "aliases",
  "image",
  "images",
  "category",
  "subcategory",
]);

async function* loadGeneric(file: string, options: LoadOptions = {}): AsyncGenerator<EvalItem> {
  const format = requireFormat(file, generic.formats, "generic");
  if (format === "tsv") {
    yield* loadVlmevalkitTsv(file, options);
    return;
  }
  const seen = new Set<string>();
  for await (const row of readRows(file)) {
    const id = requiredText(row, "id");
    if (seen.has(id)) failRow(row, "id", `"${id}" is used by an earlier row`);
    seen.add(id);
    const choices = choicesOf(row);
    const answer = requiredText(row, "answer").trim();
    if (choices && !/^[A-Z]$/.test(answer))
      failRow(
        row,
        "answer",
        `with choices the answer is a letter A–${String.fromCharCode(64 + choices.length)}, got "${answer}"`,
      );
    if (choices && answer.charCodeAt(0) - 65 >= choices.length)
      failRow(row, "answer", `"${answer}" but there are ${choices.length} choices`);
    const category = optionalText(row, "category");
    const subcategory = optionalText(row, "subcategory");
    const meta: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(row.values)) {
      if (!known.has(key) && !(format === "csv" && /^[A-Z]$/.test(key)) && value !== "") meta[key] = value;
    }
    yield {
      id,
      benchmark: "generic",
      question: requiredText(row, "question"),
      ...(choices ? { choices } : {}),
      answer,
      aliases: aliasesOf(row),
      images: [...imagesOf(row, "image", options), ...imagesOf(row, "images", options)],
      ...(category === undefined ? {} : { category }),
      ...(subcategory === undefined ? {} : { subcategory }),
      meta,
    };
  }
}

function choicesOf(row: DataRow): string[] | undefined {
  const listed = textList(row, "choices");
  if (listed !== undefined) return listed.length > 0 ? listed : undefined;
  const columns = optionColumns(row);
  return columns.length > 0 ? columns : undefined;
}

function aliasesOf(row: DataRow): string[] {
  const value = row.values.aliases;
  if (typeof value === "string" && value.trim() !== "" && !value.trim().startsWith("["))
    return value
      .split("|")
      .map((alias) => alias.trim())
      .filter((alias) => alias !== "");
  return textList(row, "aliases") ?? [];
}

async function* loadVlmevalkitTsv(file: string, options: LoadOptions): AsyncGenerator<EvalItem> {
  for await (const { row, images } of readVlmevalkitRows(file, options)) {
    const choices = optionColumns(row);
    const category = optionalText(row, "category");
    const subcategory = optionalText(row, "l2-category");
    const hint = optionalText(row, "hint");
    yield {
      id: requiredText(row, "index"),
      benchmark: "generic",
      question: requiredText(row, "question"),
      ...(choices.length > 0 ? { choices } : {}),
      answer: requiredText(row, "answer").trim(),
      images,
      ...(category === undefined ? {} : { category }),
      ...(subcategory === undefined ? {} : { subcategory }),
      meta: hint === undefined ? {} : { hint },
    };
  }
}
