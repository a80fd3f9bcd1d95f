/**
 * Scoring 100,000 predictions offline (issue 11's target: under 10 s): a generic multiple-choice
 * set and its predictions written as JSONL, then what `loupe eval score` does: read the
 * predictions, stream the items through the loader, score each (VLMEvalKit's can_infer), and
 * summarize with Wald intervals. Also the rule scorers alone on items in memory (MMSearch F1,
 * MME-RealWorld letters, TreeBench letters and boxes). The baseline, measured in the same run, is
 * JSON.parse of every line of the same predictions file.
 * Run: node --import tsx bench/eval-score.ts [--items 100000]
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadBenchmark } from "../src/eval/benchmarks.js";
import type { EvalItem } from "../src/eval/eval-item.js";
import { readPredictions } from "../src/eval/predictions-file.js";
import { scorePredictions } from "../src/eval/score-predictions.js";

const countFlag = process.argv.indexOf("--items");
const total = countFlag > 0 ? Number(process.argv[countFlag + 1]) : 100_000;
const folder = mkdtempSync(join(tmpdir(), "loupe-bench-score-"));

const responses = [
  "The answer is B.",
  "(C) the green tram",
  "I think it is the blue bus, since the picture shows a bus on the left side of the road",
  "<answer>A</answer>",
  "D",
  "Based on the image, the answer is likely red car.",
];

function writeInputs(): { data: string; predictions: string } {
  const data: string[] = [];
  const predictions: string[] = [];
  for (let index = 0; index < total; index++) {
    data.push(
      JSON.stringify({
        id: `q${index}`,
        question: `Which vehicle is in picture ${index}?`,
        choices: ["red car", "blue bus", "green tram", "white van"],
        // What each response reads as under can_infer, wrong on every third item.
        answer: index % 3 === 0 ? "C" : "BCBZDA"[index % responses.length],
        category: index % 2 === 0 ? "near" : "far",
      }),
    );
    predictions.push(JSON.stringify({ id: `q${index}`, response: responses[index % responses.length] }));
  }
  const dataFile = join(folder, "items.jsonl");
  const predictionsFile = join(folder, "predictions.jsonl");
  writeFileSync(dataFile, `${data.join("\n")}\n`);
  writeFileSync(predictionsFile, `${predictions.join("\n")}\n`);
  return { data: dataFile, predictions: predictionsFile };
}

function baseline(file: string): number {
  const start = performance.now();
  let parsed = 0;
  for (const line of readFileSync(file, "utf8").split("\n"))
    if (line !== "") parsed += JSON.parse(line) ? 1 : 0;
  if (parsed !== total) throw new Error(`parsed ${parsed} lines`);
  return performance.now() - start;
}

async function endToEnd(files: {
  data: string;
  predictions: string;
}): Promise<{ ms: number; accuracy: number }> {
  const start = performance.now();
  const predictions = await readPredictions(files.predictions);
  const items: EvalItem[] = [];
  for await (const item of loadBenchmark("generic", files.data)) items.push(item);
  const report = await scorePredictions(items, predictions, { benchmark: "generic", strict: true });
  return { ms: performance.now() - start, accuracy: report.summary.overall.value };
}

async function inMemory(
  benchmark: string,
  item: (index: number) => EvalItem,
  response: (index: number) => string,
) {
  const items = Array.from({ length: total }, (_, index) => item(index));
  const predictions = new Map(items.map((entry, index) => [entry.id, response(index)]));
  const start = performance.now();
  await scorePredictions(items, predictions, { benchmark, strict: true });
  return performance.now() - start;
}

const base = (index: number) => ({ id: String(index), question: "q", images: [], meta: {} });
const files = writeInputs();
const baselineMs = baseline(files.predictions);
const run = await endToEnd(files);
const f1Ms = await inMemory(
  "mmsearch",
  (index) => ({
    ...base(index),
    benchmark: "mmsearch",
    answer: "the Eiffel Tower in Paris",
    aliases: ["Eiffel Tower"],
    category: "news",
  }),
  (index) => (index % 2 === 0 ? "It is the Eiffel Tower." : "The Louvre Museum, Paris, France"),
);
const mmeMs = await inMemory(
  "mme-realworld",
  (index) => ({
    ...base(index),
    benchmark: "mme-realworld",
    answer: "C",
    choices: ["a", "b", "c", "d", "e"],
    category: "Perception",
  }),
  (index) => responses[index % responses.length]!,
);
const treeMs = await inMemory(
  "treebench",
  (index) => ({
    ...base(index),
    benchmark: "treebench",
    answer: "B",
    choices: ["x", "y"],
    category: "Perception/Attributes",
    meta: { boxes: [[10, 10, 50, 50]] },
  }),
  () => "<think>look <box>[12,8,48,52]</box> and <box>[100,100,120,130]</box></think><answer>B</answer>",
);
rmSync(folder, { recursive: true, force: true });

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
console.log(`eval score, ${total.toLocaleString("en")} predictions`);
console.log(`  baseline: JSON.parse of the predictions file        ${seconds(baselineMs)}`);
console.log(
  `  generic MCQ end to end (read, load, score, summary)  ${seconds(run.ms)}  = ${(run.ms / baselineMs).toFixed(1)}x baseline  (accuracy ${run.accuracy.toFixed(3)}; target < 10 s: ${run.ms < 10_000 ? "met" : "MISSED"})`,
);
console.log(
  `  mmsearch token F1, in memory                        ${seconds(f1Ms)}  = ${(f1Ms / baselineMs).toFixed(1)}x baseline`,
);
console.log(
  `  mme-realworld letters, in memory                    ${seconds(mmeMs)}  = ${(mmeMs / baselineMs).toFixed(1)}x baseline`,
);
console.log(
  `  treebench letters and box mIoU, in memory           ${seconds(treeMs)}  = ${(treeMs / baselineMs).toFixed(1)}x baseline`,
);
