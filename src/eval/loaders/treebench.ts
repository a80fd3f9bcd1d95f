import type { BenchmarkDefinition, LoadOptions } from "../benchmark.js";
import type { EvalItem } from "../eval-item.js";
import { jsonField, optionalText, requiredText } from "../formats/data-row.js";
import { requireFormat } from "../formats/read-rows.js";
import { optionColumns, readVlmevalkitRows } from "../formats/vlmevalkit-tsv.js";

/**
 * TreeBench (HaochenWang/TreeBench, `TreeBench.tsv`, VLMEvalKit's layout): `index`, `image`
 * (base64), `question`, `A`..., `answer`, `category`, and `target_instances`: the boxes of the
 * objects the question is about, which the official score compares with the `<box>`es in the
 * model's thinking (mIoU). The exact encoding of `target_instances` is unverified here (JSON in
 * the cell is assumed, a Python list literal accepted); the loader keeps it as parsed.
 * meta: `targetInstances` (as parsed), `boxes` (each instance's `[x1, y1, x2, y2]` when the
 * instances are boxes or objects with a `bbox`/`box`).
 */
export const treebench: BenchmarkDefinition = {
  name: "treebench",
  description:
    "TreeBench: traceable-evidence visual reasoning, multiple choice plus box mIoU against target instances",
  formats: ["tsv"],
  dataFiles: ["TreeBench.tsv"],
  categories: "category: the perception/reasoning task (attributes, counting, spatial, ...)",
  hub: [{ repo: "HaochenWang/TreeBench", path: "TreeBench.tsv" }],
  load: loadTreebench,
};

async function* loadTreebench(file: string, options: LoadOptions = {}): AsyncGenerator<EvalItem> {
  requireFormat(file, treebench.formats, "treebench");
  for await (const { row, images } of readVlmevalkitRows(file, options)) {
    const category = optionalText(row, "category");
    const targetInstances = jsonField(row, "target_instances");
    const boxes = Array.isArray(targetInstances)
      ? targetInstances.map(boxOf).filter((box) => box !== undefined)
      : [];
    yield {
      id: requiredText(row, "index"),
      benchmark: "treebench",
      question: requiredText(row, "question"),
      choices: optionColumns(row),
      answer: requiredText(row, "answer").trim(),
      images,
      ...(category === undefined ? {} : { category }),
      meta: {
        ...(targetInstances === undefined ? {} : { targetInstances }),
        ...(boxes.length > 0 ? { boxes } : {}),
      },
    };
  }
}

function boxOf(instance: unknown): number[] | undefined {
  const candidate = Array.isArray(instance)
    ? instance
    : ((instance as { bbox?: unknown; box?: unknown } | null)?.bbox ??
      (instance as { box?: unknown } | null)?.box);
  if (
    Array.isArray(candidate) &&
    candidate.length === 4 &&
    candidate.every((value) => typeof value === "number")
  )
    return candidate as number[];
  return undefined;
}
