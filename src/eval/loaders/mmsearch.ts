import type { BenchmarkDefinition, LoadOptions } from "../benchmark.js";
import type { EvalItem } from "../eval-item.js";
import { optionalText, requiredText, textList } from "../formats/data-row.js";
import { imagesOf } from "../formats/eval-images.js";
import { readRows, requireFormat } from "../formats/read-rows.js";

/**
 * MMSearch end2end (CaraJ/MMSearch, 300 rows; parquet, or the same columns as JSONL):
 * `sample_id`, `query`, `query_image` (null for text-only queries), `image_search_result` (the
 * screenshot of the image search the benchmark shipped), `area` (news | knowledge), `subfield`,
 * `timestamp`, `gt_requery`, `gt_answer`, `alternative_gt_answers`.
 * meta: `imageSearchResult` (an EvalImage, for offline search), `gtRequery`, `timestamp`,
 * `hasImage` (whether the query has an image: the 171 that agent papers use).
 */
export const mmsearch: BenchmarkDefinition = {
  name: "mmsearch",
  description:
    "MMSearch end2end: 300 news and knowledge questions needing web search, 171 of them with an image",
  formats: ["parquet", "jsonl"],
  dataFiles: ["end2end.parquet", "end2end.jsonl"],
  categories: "category: area (news | knowledge); subfield",
  hub: [{ repo: "CaraJ/MMSearch", path: "end2end.parquet" }],
  hubNote:
    "the hub path of the end2end parquet is unverified; if fetch gets 404, download it from the dataset page.",
  load: loadMmsearch,
};

async function* loadMmsearch(file: string, options: LoadOptions = {}): AsyncGenerator<EvalItem> {
  requireFormat(file, mmsearch.formats, "mmsearch");
  for await (const row of readRows(file)) {
    const images = imagesOf(row, "query_image", options);
    const searchResult = imagesOf(row, "image_search_result", options);
    const area = optionalText(row, "area");
    const subfield = optionalText(row, "subfield");
    const gtRequery = optionalText(row, "gt_requery");
    const timestamp = optionalText(row, "timestamp");
    yield {
      id: requiredText(row, "sample_id"),
      benchmark: "mmsearch",
      question: requiredText(row, "query"),
      answer: requiredText(row, "gt_answer"),
      aliases: textList(row, "alternative_gt_answers") ?? [],
      images,
      ...(area === undefined ? {} : { category: area }),
      ...(subfield === undefined ? {} : { subcategory: subfield }),
      meta: {
        hasImage: images.length > 0,
        ...(searchResult[0] ? { imageSearchResult: searchResult[0] } : {}),
        ...(gtRequery === undefined ? {} : { gtRequery }),
        ...(timestamp === undefined ? {} : { timestamp }),
      },
    };
  }
}
