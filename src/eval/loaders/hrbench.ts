import type { BenchmarkDefinition, LoadOptions } from "../benchmark.js";
import type { EvalItem } from "../eval-item.js";
import { type DataRow, optionalText, requiredText } from "../formats/data-row.js";
import { imagesOf } from "../formats/eval-images.js";
import { readRows, requireFormat } from "../formats/read-rows.js";
import { optionColumns, readVlmevalkitRows } from "../formats/vlmevalkit-tsv.js";

/**
 * HR-Bench 4K and 8K (DreamMr/HR-Bench: `hr_bench_4k.tsv`, `hr_bench_8k.tsv`; VLMEvalKit's
 * `HRBench4K.tsv`/`HRBench8K.tsv` are the same columns): `index`, `question`, `A`..`D`,
 * `answer`, `category` (`single` = FSP, fine-grained single-instance perception; `cross` = FCP,
 * cross-instance), `cycle_category`, `image` (base64). Each question appears once per rotation
 * of its options; the official score is the accuracy within each `cycle_category`, averaged.
 * Parquet with the same columns is read too.
 * meta: `cycleCategory` (the release's value), `rotation` (its trailing number, when it has one),
 * `task` (`FSP` | `FCP`).
 */
function hrbench(name: "hrbench-4k" | "hrbench-8k", resolution: "4k" | "8k"): BenchmarkDefinition {
  const definition: BenchmarkDefinition = {
    name,
    description: `HR-Bench ${resolution.toUpperCase()}: multiple choice on ${resolution === "4k" ? "4K" : "8K"} images, fine-grained single (FSP) and cross-instance (FCP) perception, scored per option rotation`,
    formats: ["tsv", "parquet"],
    dataFiles: [
      `hr_bench_${resolution}.tsv`,
      `HRBench${resolution.toUpperCase()}.tsv`,
      `hr_bench_${resolution}.parquet`,
    ],
    categories: "category: single (FSP) | cross (FCP); meta.cycleCategory: the rotation",
    hub: [{ repo: "DreamMr/HR-Bench", path: `hr_bench_${resolution}.tsv` }],
    load: (file, options) => loadHrbench(definition, file, options),
  };
  return definition;
}

export const hrbench4k = hrbench("hrbench-4k", "4k");
export const hrbench8k = hrbench("hrbench-8k", "8k");

async function* loadHrbench(
  definition: BenchmarkDefinition,
  file: string,
  options: LoadOptions = {},
): AsyncGenerator<EvalItem> {
  const format = requireFormat(file, definition.formats, definition.name);
  const rows =
    format === "tsv"
      ? readVlmevalkitRows(file, options)
      : (async function* () {
          for await (const row of readRows(file)) yield { row, images: imagesOf(row, "image", options) };
        })();
  for await (const { row, images } of rows) yield item(definition.name, row, images);
}

function item(benchmark: string, row: DataRow, images: EvalItem["images"]): EvalItem {
  const category = optionalText(row, "category");
  const cycleCategory = optionalText(row, "cycle_category");
  const rotation = cycleCategory === undefined ? undefined : /(\d+)\s*$/.exec(cycleCategory)?.[1];
  return {
    id: requiredText(row, "index"),
    benchmark,
    question: requiredText(row, "question"),
    choices: optionColumns(row),
    answer: requiredText(row, "answer").trim(),
    images,
    ...(category === undefined ? {} : { category }),
    meta: {
      ...(cycleCategory === undefined ? {} : { cycleCategory }),
      ...(rotation === undefined ? {} : { rotation: Number(rotation) }),
      ...(category === "single" ? { task: "FSP" } : category === "cross" ? { task: "FCP" } : {}),
    },
  };
}
