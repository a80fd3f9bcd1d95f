import { basename, dirname, join } from "node:path";
import type { BenchmarkDefinition, LoadOptions } from "../benchmark.js";
import type { EvalItem } from "../eval-item.js";
import { failRow, optionalText, requiredText, textList } from "../formats/data-row.js";
import { firstExistingPath } from "../formats/eval-images.js";
import { readRows, requireFormat } from "../formats/read-rows.js";

/**
 * BrowseComp-VL (Alibaba-NLP/DeepResearch, WebAgent/WebWatcher/browsecomp-vl:
 * `bc_vl_level1.jsonl`, 199 rows, and `bc_vl_level2.jsonl`, 200): `question`, `image_path`
 * (`browsecomp-vl/images/level1/level1_1.jpg`, relative to the folder above the data file's),
 * `answers` (a judge compares with the first), `domain`. The rows have no id: the image's name
 * (`level1_1`) is the id, as it is unique and stable; a row without one gets `row<N>`.
 * meta: `level` (1 or 2, from the file name).
 */
export const browsecompVl: BenchmarkDefinition = {
  name: "browsecomp-vl",
  description: "BrowseComp-VL: hard multi-hop visual browsing questions (level 1 and 2), LLM-judged Pass@1",
  formats: ["jsonl"],
  dataFiles: ["bc_vl_level1.jsonl", "bc_vl_level2.jsonl"],
  categories: "category: domain; meta.level: 1 | 2",
  hubNote:
    "not on the dataset hub: the jsonl files are in github.com/Alibaba-NLP/DeepResearch under WebAgent/WebWatcher/browsecomp-vl (images in its images/ folder).",
  load: loadBrowsecompVl,
};

async function* loadBrowsecompVl(file: string, options: LoadOptions = {}): AsyncGenerator<EvalItem> {
  requireFormat(file, browsecompVl.formats, "browsecomp-vl");
  const level = /level(\d+)/i.exec(basename(file))?.[1];
  for await (const row of readRows(file)) {
    const answers = textList(row, "answers") ?? [];
    if (answers.length === 0) failRow(row, "answers", "no answer");
    const imagePath = optionalText(row, "image_path");
    const domain = optionalText(row, "domain");
    const folder = dirname(file);
    const images =
      imagePath === undefined
        ? []
        : [
            options.imageRoot
              ? firstExistingPath(row, [imagePath, basename(imagePath)], options)
              : firstExistingPath(
                  row,
                  [imagePath, join("..", imagePath), join("images", basename(imagePath))],
                  {
                    imageRoot: folder,
                  },
                ),
          ];
    yield {
      id: imagePath ? basename(imagePath).replace(/\.[^.]+$/, "") : `row${row.row}`,
      benchmark: "browsecomp-vl",
      question: requiredText(row, "question"),
      answer: answers[0]!,
      aliases: answers.slice(1),
      images,
      ...(domain === undefined ? {} : { category: domain }),
      meta: level === undefined ? {} : { level: Number(level) },
    };
  }
}
