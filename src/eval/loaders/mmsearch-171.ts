import type { BenchmarkDefinition, LoadOptions } from "../benchmark.js";
import type { EvalItem } from "../eval-item.js";
import { failRow, optionalText, requiredText, textList } from "../formats/data-row.js";
import { imagesOf } from "../formats/eval-images.js";
import { readRows, requireFormat } from "../formats/read-rows.js";

/**
 * MMSearch's 171 image-bearing queries as WebWatcher's eval_data ships them
 * (Alibaba-NLP/DeepResearch, WebAgent/WebWatcher/infer/vl_search_r1/eval_data/mmsearch.jsonl;
 * hle.jsonl, livevqa.jsonl and simplevqa.jsonl there have the same shape): `prompt`,
 * `file_path` (the image's URL), `answers` (the first is the gold one), `question_id`, `task`,
 * `tags`, `lang`, `source`. This is the subset and format the agent papers (WebWatcher,
 * Skywork-R1V4) report, judged by an LLM.
 * meta: `tags`, `lang`, `source`.
 */
export const mmsearch171: BenchmarkDefinition = {
  name: "mmsearch-171",
  description:
    "MMSearch's 171 image queries in WebWatcher's format (the subset agent papers report, LLM-judged)",
  formats: ["jsonl"],
  dataFiles: ["mmsearch.jsonl"],
  categories: "category: task as the file gives it",
  hubNote:
    "not on the dataset hub: mmsearch.jsonl is in github.com/Alibaba-NLP/DeepResearch under WebAgent/WebWatcher/infer/vl_search_r1/eval_data; images are URLs.",
  load: loadWebwatcherRows("mmsearch-171"),
};

export function loadWebwatcherRows(benchmark: string) {
  return async function* load(file: string, options: LoadOptions = {}): AsyncGenerator<EvalItem> {
    requireFormat(file, ["jsonl"], benchmark);
    for await (const row of readRows(file)) {
      const answers = textList(row, "answers") ?? [];
      if (answers.length === 0) failRow(row, "answers", "no answer");
      const task = optionalText(row, "task");
      const meta: Record<string, unknown> = {};
      for (const field of ["tags", "lang", "source"]) {
        const value = optionalText(row, field);
        if (value !== undefined) meta[field] = value;
      }
      yield {
        id: requiredText(row, "question_id"),
        benchmark,
        question: requiredText(row, "prompt"),
        answer: answers[0]!,
        aliases: answers.slice(1),
        images: imagesOf(row, "file_path", options),
        ...(task === undefined ? {} : { category: task }),
        meta,
      };
    }
  };
}
