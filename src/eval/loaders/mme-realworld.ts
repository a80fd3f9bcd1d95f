import type { BenchmarkDefinition, LoadOptions } from "../benchmark.js";
import type { EvalItem } from "../eval-item.js";
import { failRow, optionalText, requiredText, textList } from "../formats/data-row.js";
import { imagesOf } from "../formats/eval-images.js";
import { readRows, requireFormat } from "../formats/read-rows.js";
import { optionColumns, readVlmevalkitRows } from "../formats/vlmevalkit-tsv.js";

/**
 * MME-RealWorld, full (English), CN and Lite, five options A–E.
 * - The original JSON (yifanzhang114/MME-RealWorld: `MME_RealWorld.json`, `MME_RealWorld_CN.json`,
 *   images in separate archives): `Question_id`, `Image` (path under the image folder: give
 *   `--image-root`), `Text`, `Answer choices` (`["(A) ...", ...]`), `Ground truth` (a letter),
 *   `Task` (Perception | Reasoning), `Subtask` (Remote Sensing, Autonomous Driving, ...), `Category`.
 * - The base64 TSVs (yifanzhang114/MME-RealWorld-Base64, which VLMEvalKit downloads:
 *   `mme_realworld.tsv`, `mme_realworld_cn.tsv`, `mme_realworld_lite.tsv`): `index`, `image`,
 *   `question`, `A`..`E`, `answer`, `category` (`Perception/...` or `Reasoning/...`), `l2-category`.
 * category is Perception or Reasoning (the split the paper reports), subcategory the subtask.
 * meta: `taskCategory` (JSON `Category`), `categoryPath` (TSV `category` as written),
 * `l2Category` (TSV).
 */
function mmeRealworld(
  name: string,
  description: string,
  jsonFile: string,
  tsvFile: string,
  hubDataset: string,
): BenchmarkDefinition {
  const definition: BenchmarkDefinition = {
    name,
    description,
    formats: ["json", "tsv"],
    dataFiles: [tsvFile, jsonFile],
    categories: "category: Perception | Reasoning; subcategory: the subtask (Remote Sensing, OCR, ...)",
    hub: [{ repo: hubDataset, path: tsvFile }],
    hubNote:
      "fetch takes the self-contained base64 TSV; the JSON release needs its image archives and --image-root.",
    load: (file, options) => loadMmeRealworld(definition, file, options),
  };
  return definition;
}

export const mmeRealworldFull = mmeRealworld(
  "mme-realworld",
  "MME-RealWorld: 23,609 five-option questions on high-resolution real-world images (perception and reasoning)",
  "MME_RealWorld.json",
  "mme_realworld.tsv",
  "yifanzhang114/MME-RealWorld-Base64",
);
export const mmeRealworldCn = mmeRealworld(
  "mme-realworld-cn",
  "MME-RealWorld-CN: the Chinese questions of MME-RealWorld",
  "MME_RealWorld_CN.json",
  "mme_realworld_cn.tsv",
  "yifanzhang114/MME-RealWorld-Base64",
);
export const mmeRealworldLite = mmeRealworld(
  "mme-realworld-lite",
  "MME-RealWorld-Lite: 1,919 questions sampled from MME-RealWorld",
  "MME_RealWorld_Lite.json",
  "mme_realworld_lite.tsv",
  "yifanzhang114/MME-RealWorld-Base64",
);

async function* loadMmeRealworld(
  definition: BenchmarkDefinition,
  file: string,
  options: LoadOptions = {},
): AsyncGenerator<EvalItem> {
  const format = requireFormat(file, definition.formats, definition.name);
  if (format === "tsv") {
    for await (const { row, images } of readVlmevalkitRows(file, options)) {
      const categoryPath = optionalText(row, "category");
      const [category, ...rest] = categoryPath?.split("/") ?? [];
      const l2Category = optionalText(row, "l2-category");
      yield {
        id: requiredText(row, "index"),
        benchmark: definition.name,
        question: requiredText(row, "question"),
        choices: optionColumns(row),
        answer: requiredText(row, "answer").trim(),
        images,
        ...(category ? { category } : {}),
        ...(rest.length > 0
          ? { subcategory: rest.join("/") }
          : l2Category
            ? { subcategory: l2Category }
            : {}),
        meta: {
          ...(categoryPath === undefined ? {} : { categoryPath }),
          ...(l2Category === undefined ? {} : { l2Category }),
        },
      };
    }
    return;
  }
  for await (const row of readRows(file)) {
    const choices = (textList(row, "Answer choices") ?? []).map((choice, position) => {
      const match = /^\s*\(([A-Z])\)\s*(.*)$/s.exec(choice);
      if (!match || match[1] !== String.fromCharCode(65 + position))
        failRow(
          row,
          "Answer choices",
          `choice ${position + 1} does not start with (${String.fromCharCode(65 + position)})`,
        );
      return match[2]!.trim();
    });
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
