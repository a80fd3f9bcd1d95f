import { existsSync, readFileSync } from "node:fs";
import type { BenchmarkDefinition, LoadOptions } from "../benchmark.js";
import { evalDataError } from "../eval-data-error.js";
import type { EvalItem } from "../eval-item.js";
import { type DataRow, failRow, firstText, requiredText } from "../formats/data-row.js";
import { imagesOf } from "../formats/eval-images.js";
import { readRows, requireFormat } from "../formats/read-rows.js";
import { optionColumns, readVlmevalkitRows } from "../formats/vlmevalkit-tsv.js";

/**
 * V* Bench (craigwu/vstar_bench), 191 questions in `direct_attributes` and `relative_position`.
 * - `test_questions.jsonl`: `question_id`, `image` (path under the release folder), `text` (the
 *   question, then the options inline as lines `(A) ...`, then an instruction line), `category`,
 *   `label` (the letter). The JSON beside each image (`<image>.json`: `target_object`, `bbox`
 *   as `[x, y, w, h]`) is read when present.
 * - The same columns in parquet (lmms-lab's re-release, the image as a `{bytes}` struct).
 * - VLMEvalKit's `VStarBench.tsv`: `index`, `image` (base64), `question`, `A`..., `answer`, `category`.
 * meta: `prompt` (the release's full text with its instruction line, jsonl/parquet),
 * `targetObjects` and `boxes` (`[x, y, w, h]` in pixels) when the per-image JSON is there.
 */
export const vstar: BenchmarkDefinition = {
  name: "vstar",
  description: "V* Bench: 191 multiple-choice questions about small details in high-resolution images",
  formats: ["jsonl", "parquet", "tsv"],
  dataFiles: ["VStarBench.tsv", "test_questions.jsonl"],
  categories: "category: direct_attributes | relative_position",
  hub: [{ repo: "xjtupanda/VStar_Bench", path: "VStarBench.tsv" }],
  hubNote:
    "The original release (craigwu/vstar_bench) is a folder of images with test_questions.jsonl; fetch takes VLMEvalKit's one-file TSV.",
  load: loadVstar,
};

async function* loadVstar(file: string, options: LoadOptions = {}): AsyncGenerator<EvalItem> {
  const format = requireFormat(file, vstar.formats, "vstar");
  if (format === "tsv") {
    for await (const { row, images } of readVlmevalkitRows(file, options)) {
      yield {
        id: requiredText(row, "index"),
        benchmark: "vstar",
        question: requiredText(row, "question"),
        choices: optionColumns(row),
        answer: requiredText(row, "answer").trim(),
        images,
        ...category(row),
        meta: {},
      };
    }
    return;
  }
  for await (const row of readRows(file)) {
    const text = requiredText(row, "text");
    const { question, choices } = splitInlineOptions(row, text);
    const images = imagesOf(row, "image", options);
    yield {
      id: requiredText(row, "question_id"),
      benchmark: "vstar",
      question,
      choices,
      answer: requiredText(row, "label").trim(),
      images,
      ...category(row),
      meta: { prompt: text, ...annotation(images[0]) },
    };
  }
}

function category(row: DataRow): { category?: string } {
  const value = firstText(row, ["category"]);
  return value === undefined ? {} : { category: value };
}

/** "What color is ...?\n(A) red\n(B) blue\nAnswer with the option's letter ..." → question and options. */
export function splitInlineOptions(row: DataRow, text: string): { question: string; choices: string[] } {
  const lines = text.split("\n");
  const first = lines.findIndex((line) => /^\s*\(A\)\s*/.test(line));
  if (first < 0) failRow(row, "text", "no inline options `(A) ...`");
  const choices: string[] = [];
  for (const line of lines.slice(first)) {
    const match = /^\s*\(([A-Z])\)\s*(.*)$/.exec(line);
    if (!match) break;
    if (match[1] !== String.fromCharCode(65 + choices.length))
      failRow(row, "text", `option (${match[1]}) out of order`);
    choices.push(match[2]!.trim());
  }
  return { question: lines.slice(0, first).join("\n").trim(), choices };
}

function annotation(image: EvalItem["images"][number] | undefined): Record<string, unknown> {
  if (image?.kind !== "path") return {};
  const sidecar = image.path.replace(/\.[^./]+$/, ".json");
  if (sidecar === image.path || !existsSync(sidecar)) return {};
  let parsed: { target_object?: unknown; bbox?: unknown };
  try {
    parsed = JSON.parse(readFileSync(sidecar, "utf8")) as typeof parsed;
  } catch (error) {
    throw evalDataError(
      { file: sidecar },
      `not valid JSON (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  return { targetObjects: parsed.target_object, boxes: parsed.bbox };
}
