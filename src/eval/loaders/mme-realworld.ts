import type { BenchmarkDefinition, LoadOptions } from "../benchmark.js";
import type { EvalItem } from "../eval-item.js";
import { type DataRow, failRow, optionalText, requiredText, textList } from "../formats/data-row.js";
import { imagesOf } from "../formats/eval-images.js";
import { readRows, requireFormat } from "../formats/read-rows.js";
import { optionColumns, readVlmevalkitRows } from "../formats/vlmevalkit-tsv.js";

/**
 * MME-RealWorld, full (English), CN and Lite, five options A–E.
 * - The original JSON (yifanzhang114/MME-RealWorld: `MME_RealWorld.json`, `MME_RealWorld_CN.json`,
 *   images in separate archives): `Question_id`, `Image` (path under the image folder: give
 *   `--image-root`), `Text`, `Answer choices` (`["(A) ...", ...]`), `Ground truth` (a letter),
 *   `Task` (Perception | Reasoning), `Subtask` (Remote Sensing, Autonomous Driving, ...), `Category`.
 * - The base64 release (yifanzhang114/MME-RealWorld-Base64): `mme_realworld_lite.tsv`, and for
 *   the full and CN sets folders of JSON files, both with `index`, `image` (base64), `question`,
 *   `multi-choice options` (a list of `"(A) ..."`; in the TSV a Python list literal),
 *   `answer`, `category` (`Perception/...` or `Reasoning/...`), `l2-category`. VLMEvalKit turns
 *   the JSON into `MME-RealWorld.tsv` with `A`..`E` columns added; both TSV shapes are read.
 * category is Perception or Reasoning (the split the paper reports), subcategory the subtask.
 * meta: `taskCategory` (JSON `Category`), `categoryPath` (base64 release's `category` as
 * written), `l2Category`.
 */
function mmeRealworld(
  name: string,
  description: string,
  dataFiles: string[],
  hub: { repo: string; path: string } | undefined,
): BenchmarkDefinition {
  const definition: BenchmarkDefinition = {
    name,
    description,
    formats: ["json", "tsv"],
    dataFiles,
    categories: "category: Perception | Reasoning; subcategory: the subtask (Remote Sensing, OCR, ...)",
    ...(hub ? { hub: [hub] } : {}),
    hubNote: hub
      ? "fetch takes the self-contained base64 TSV; the JSON release needs its image archives and --image-root."
      : "the hub holds this set as a folder of base64 JSON files (yifanzhang114/MME-RealWorld-Base64) or JSON plus image archives (yifanzhang114/MME-RealWorld): download them with the hub's tools and pass each JSON file, or VLMEvalKit's generated TSV, to --data.",
    load: (file, options) => loadMmeRealworld(definition, file, options),
  };
  return definition;
}

export const mmeRealworldFull = mmeRealworld(
  "mme-realworld",
  "MME-RealWorld: five-option questions on high-resolution real-world images (perception and reasoning)",
  ["MME-RealWorld.tsv", "MME_RealWorld.json"],
  undefined,
);
export const mmeRealworldCn = mmeRealworld(
  "mme-realworld-cn",
  "MME-RealWorld-CN: the Chinese questions of MME-RealWorld",
  ["MME-RealWorld-CN.tsv", "MME_RealWorld_CN.json"],
  undefined,
);
export const mmeRealworldLite = mmeRealworld(
  "mme-realworld-lite",
  "MME-RealWorld-Lite: a sample of MME-RealWorld's questions",
  ["mme_realworld_lite.tsv", "MME-RealWorld-Lite.tsv"],
  { repo: "yifanzhang114/MME-RealWorld-Base64", path: "mme_realworld_lite.tsv" },
);

async function* loadMmeRealworld(
  definition: BenchmarkDefinition,
  file: string,
  options: LoadOptions = {},
): AsyncGenerator<EvalItem> {
  const format = requireFormat(file, definition.formats, definition.name);
  if (format === "tsv") {
    for await (const { row, images } of readVlmevalkitRows(file, options))
      yield base64ReleaseItem(definition.name, row, images);
    return;
  }
  for await (const row of readRows(file)) {
    if (!("Question_id" in row.values) && "index" in row.values) {
      yield base64ReleaseItem(definition.name, row, imagesOf(row, "image", options));
      continue;
    }
    const choices = lettered(row, "Answer choices", textList(row, "Answer choices") ?? []);
    const task = optionalText(row, "Task");
    const subtask = optionalText(row, "Subtask");
    const taskCategory = optionalText(row, "Category");
    yield {
      id: requiredText(row, "Question_id"),
      benchmark: definition.name,
      question: requiredText(row, "Text"),
      choices,
      answer: requiredText(row, "Ground truth").trim(),
      images: imagesOf(row, "Image", options),
      ...(task === undefined ? {} : { category: task }),
      ...(subtask === undefined ? {} : { subcategory: subtask }),
      meta: taskCategory === undefined ? {} : { taskCategory },
    };
  }
}

/** A row of the base64 release (its TSV, VLMEvalKit's TSV, or its JSON files). */
function base64ReleaseItem(benchmark: string, row: DataRow, images: EvalItem["images"]): EvalItem {
  const categoryPath = optionalText(row, "category");
  const [category, ...rest] = categoryPath?.split("/") ?? [];
  const l2Category = optionalText(row, "l2-category");
  const columns = optionColumns(row);
  return {
    id: requiredText(row, "index"),
    benchmark,
    question: requiredText(row, "question"),
    choices: columns.length > 0 ? columns : optionsField(row),
    answer: requiredText(row, "answer").trim(),
    images,
    ...(category ? { category } : {}),
    ...(rest.length > 0 ? { subcategory: rest.join("/") } : l2Category ? { subcategory: l2Category } : {}),
    meta: {
      ...(categoryPath === undefined ? {} : { categoryPath }),
      ...(l2Category === undefined ? {} : { l2Category }),
    },
  };
}

/**
 * `multi-choice options`: a list of `"(A) ..."` (a Python list literal in the TSV), or the text
 * VLMEvalKit writes (`The choices are listed below:\n(A) ...\n(B) ...`).
 */
function optionsField(row: DataRow): string[] {
  const field = "multi-choice options";
  const value = row.values[field];
  if (typeof value === "string" && !value.trim().startsWith("[")) {
    const lines = value.split("\n").filter((line) => /^\s*\([A-Z]\)/.test(line));
    return lettered(row, field, lines);
  }
  return lettered(row, field, textList(row, field) ?? []);
}

function lettered(row: DataRow, field: string, options: string[]): string[] {
  return options.map((choice, position) => {
    const letter = String.fromCharCode(65 + position);
    const match = /^\s*\(([A-Z])\)\s*(.*)$/s.exec(choice);
    if (!match || match[1] !== letter)
      failRow(row, field, `choice ${position + 1} does not start with (${letter})`);
    return match[2]!.trim();
  });
}
