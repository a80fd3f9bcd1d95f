import type { BenchmarkDefinition, LoadOptions } from "../benchmark.js";
import type { EvalItem } from "../eval-item.js";
import { type DataRow, failRow, jsonField, optionalText, requiredText } from "../formats/data-row.js";
import { imagesOf } from "../formats/eval-images.js";
import { readRows, requireFormat } from "../formats/read-rows.js";

/**
 * FVQA (lmms-lab/FVQA, `fvqa_test.parquet`, the MMSearch-R1 release): `prompt` (a chat list,
 * the user turn holding the question with an `<image>` marker), `images` (`[{bytes}]`),
 * `reward_model` (`{ground_truth, candidate_answers}`, the candidates a JSON list in a string),
 * `data_source`, `image_urls`, `data_id`, `category` (search_free | search_required).
 * meta: `prompt` (the chat list as released), `dataSource`, `imageUrls`.
 */
export const fvqa: BenchmarkDefinition = {
  name: "fvqa",
  description: "FVQA: fact-based visual questions, search-free and search-required (MMSearch-R1's test set)",
  formats: ["parquet", "jsonl"],
  dataFiles: ["fvqa_test.parquet", "fvqa_test.jsonl"],
  categories: "category: search_free | search_required",
  hub: [{ repo: "lmms-lab/FVQA", path: "fvqa_test.parquet" }],
  load: loadFvqa,
};

async function* loadFvqa(file: string, options: LoadOptions = {}): AsyncGenerator<EvalItem> {
  requireFormat(file, fvqa.formats, "fvqa");
  for await (const row of readRows(file)) {
    const reward = jsonField(row, "reward_model") as
      | { ground_truth?: unknown; candidate_answers?: unknown }
      | undefined;
    if (!reward || typeof reward !== "object") failRow(row, "reward_model", "missing");
    const groundTruth = Array.isArray(reward.ground_truth) ? reward.ground_truth[0] : reward.ground_truth;
    if (typeof groundTruth !== "string" || groundTruth.trim() === "")
      failRow(row, "reward_model", "no ground_truth text");
    const candidates = candidateAnswers(row, reward.candidate_answers);
    const category = optionalText(row, "category");
    const dataSource = optionalText(row, "data_source");
    const prompt = jsonField(row, "prompt");
    yield {
      id: requiredText(row, "data_id"),
      benchmark: "fvqa",
      question: questionOf(row, prompt),
      answer: groundTruth,
      aliases: candidates.filter((candidate) => candidate !== groundTruth),
      images: imagesOf(row, "images", options),
      ...(category === undefined ? {} : { category }),
      meta: {
        prompt,
        ...(dataSource === undefined ? {} : { dataSource }),
        ...(row.values.image_urls === undefined ? {} : { imageUrls: row.values.image_urls }),
      },
    };
  }
}

function candidateAnswers(row: DataRow, value: unknown): string[] {
  if (value === undefined || value === null || value === "") return [];
  let list = value;
  if (typeof value === "string") {
    try {
      list = JSON.parse(value);
    } catch {
      failRow(row, "reward_model", "candidate_answers is not a JSON list");
    }
  }
  if (!Array.isArray(list)) failRow(row, "reward_model", "candidate_answers is not a list");
  return list.map(String);
}

/** The text of the last user turn, without its `<image>` markers. */
function questionOf(row: DataRow, prompt: unknown): string {
  if (typeof prompt === "string" && prompt.trim() !== "") return prompt.replace(/<image>/g, "").trim();
  if (!Array.isArray(prompt)) failRow(row, "prompt", "expected a chat list of {role, content}");
  const user = [...prompt].reverse().find((turn) => (turn as { role?: unknown })?.role === "user") as
    | { content?: unknown }
    | undefined;
  const content = user?.content;
  const text =
    typeof content === "string"
      ? content
      : Array.isArray(content)
        ? content
            .map((part) => (typeof part === "string" ? part : (part as { text?: unknown })?.text))
            .filter((part) => typeof part === "string")
            .join("\n")
        : undefined;
  if (!text || text.trim() === "") failRow(row, "prompt", "no user turn with text");
  return text.replace(/<image>/g, "").trim();
}
