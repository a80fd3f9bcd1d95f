import type { BenchmarkDefinition, LoadOptions } from "../benchmark.js";
import type { EvalItem } from "../eval-item.js";
import { firstText, optionalFlag, requiredText } from "../formats/data-row.js";
import { imagesOf } from "../formats/eval-images.js";
import { readRows, requireFormat } from "../formats/read-rows.js";

/**
 * RealX-Bench (DeepEyesV2; glowol/RealXBench, 194 of 300 released): `query`, `answer` (several
 * acceptable answers joined by " or "), `perception`, `search`, `reason` (0/1: the capabilities
 * the question needs), `image`. Judged by an LLM (DeepEyesV2's yes/no verifier).
 * The answer stays whole in `answer`; its " or " parts are the aliases.
 * meta: `perception`, `search`, `reason` (booleans), `integration` (all three).
 * category: the capabilities joined by "+" (`perception+search`), or `integration`.
 */
export const realxBench: BenchmarkDefinition = {
  name: "realx-bench",
  description:
    "RealX-Bench (DeepEyesV2): real-world questions needing perception, search and reasoning together",
  formats: ["parquet", "jsonl", "json"],
  dataFiles: ["RealXBench.parquet", "realxbench.jsonl", "realxbench.json"],
  categories: "category: perception+search+reason combination, or integration (all three)",
  hubNote:
    "glowol/RealXBench on the hub; its file layout is unverified here: download it from the dataset page.",
  load: loadRealx,
};

const capabilities = ["perception", "search", "reason"] as const;

async function* loadRealx(file: string, options: LoadOptions = {}): AsyncGenerator<EvalItem> {
  requireFormat(file, realxBench.formats, "realx-bench");
  for await (const row of readRows(file)) {
    const answer = requiredText(row, "answer");
    const flags = Object.fromEntries(
      capabilities.map((name) => [name, optionalFlag(row, name) ?? false]),
    ) as Record<(typeof capabilities)[number], boolean>;
    const integration = capabilities.every((name) => flags[name]);
    const needed = capabilities.filter((name) => flags[name]);
    const parts = answer
      .split(/\s+or\s+/i)
      .map((part) => part.trim())
      .filter((part) => part !== "");
    yield {
      id: firstText(row, ["id", "index", "question_id"]) ?? `row${row.row}`,
      benchmark: "realx-bench",
      question: requiredText(row, "query"),
      answer,
      aliases: parts.length > 1 ? parts : [],
      images: imagesOf(row, "image" in row.values ? "image" : "images", options),
      ...(needed.length > 0 ? { category: integration ? "integration" : needed.join("+") } : {}),
      meta: { ...flags, integration },
    };
  }
}
