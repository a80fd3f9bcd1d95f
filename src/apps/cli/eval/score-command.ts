import { Command } from "commander";
import pc from "picocolors";
import { LoupeError } from "../../../core/errors.js";
import { loadBenchmark } from "../../../eval/benchmarks.js";
import type { EvalItem } from "../../../eval/eval-item.js";
import type { Judge } from "../../../eval/judges/judge.js";
import { readPredictions } from "../../../eval/predictions-file.js";
import { type ScoreReport, scorePredictions } from "../../../eval/score-predictions.js";
import { scoringFor } from "../../../eval/scorer-registry.js";
import type { Estimate } from "../../../eval/summaries/wald-interval.js";
import { type CommandOutput, processOutput } from "./command-output.js";
import { addJudgeOptions, type JudgeFlags, judgeFromFlags } from "./judge-options.js";

interface ScoreFlags extends JudgeFlags {
  data: string;
  predictions: string;
  json?: boolean;
  strict?: boolean;
  scorer?: string;
  imageRoot?: string;
  judgeConcurrency: string;
}

function count(flag: string, text: string, min: number): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < min) {
    throw new LoupeError("config", `${flag} must be a whole number of at least ${min}, got "${text}".`);
  }
  return value;
}

/** The judge the flags name; a benchmark scored by a judge without one is refused, naming the flags. */
async function judgeFrom(flags: ScoreFlags, benchmark: string, needed: boolean): Promise<Judge | undefined> {
  const judge = await judgeFromFlags(flags);
  if (needed && !judge)
    throw new LoupeError(
      "config",
      `${benchmark} is scored by an LLM judge: give the judge model with --judge-model and --judge-base-url.`,
    );
  return needed ? judge : undefined;
}

function percent(estimate: Estimate): string {
  const show = (value: number) => (100 * value).toFixed(1);
  return `${show(estimate.value).padStart(5)}%  [${show(estimate.low)}, ${show(estimate.high)}]  n=${estimate.n}`;
}

function printReport(report: ScoreReport, output: CommandOutput): void {
  const { summary } = report;
  output.stdout(`${pc.bold(summary.benchmark)}  ${summary.measure} (scorer ${summary.scorer})\n`);
  const rows: [string, Estimate][] = [["overall", summary.overall], ...Object.entries(summary.categories)];
  if (summary.strict) rows.push(["strict (beside the official figure)", summary.strict.overall]);
  const width = Math.max(...rows.map(([name]) => name.length));
  for (const [name, estimate] of rows) output.stdout(`  ${name.padEnd(width)}  ${percent(estimate)}\n`);
  for (const [name, value] of Object.entries(summary.metrics)) {
    output.stdout(`  ${name}  ${Number.isInteger(value) ? value : value.toFixed(4)}\n`);
  }
  if (report.missing.length > 0) {
    const how = summary.missingCounted ? "counted as 0, as upstream does" : "not in the figures";
    output.stderr(`${pc.yellow(`${report.missing.length} items have no prediction (${how})`)}\n`);
  }
  if (report.unknown.length > 0) {
    const shown = report.unknown.slice(0, 5).join(", ");
    output.stderr(
      `${pc.yellow(`${report.unknown.length} predictions name no item of the data (ignored): ${shown}`)}\n`,
    );
  }
  if (summary.judgeFailures.length > 0) {
    output.stderr(
      `${pc.yellow(`the judge failed on ${summary.judgeFailures.length} items (counted as wrong): ${summary.judgeFailures.slice(0, 5).join(", ")}`)}\n`,
    );
  }
}

/**
 * `loupe eval score BENCHMARK --data PATH --predictions FILE`: scores predictions made anywhere
 * (a JSONL of `{"id", "response"}`) the way the benchmark's own code does, without running a
 * model; judge benchmarks ask the `--judge-*` model.
 */
export function scoreCommand(output: CommandOutput = processOutput): Command {
  const command = new Command("score")
    .description("score a JSONL of predictions against a benchmark the way its own code does")
    .argument("<benchmark>", "a name from `loupe eval list`")
    .requiredOption("--data <path>", "the benchmark's data file, or the folder `loupe eval fetch` wrote")
    .requiredOption(
      "--predictions <file>",
      'JSONL, one {"id": ..., "response": "..."} a line, id being the benchmark\'s own',
    )
    .option("--json", "print the summary and every item's score as JSON")
    .option("--strict", "also report the strict variant where the official scorer has a known quirk")
    .option("--scorer <name>", "score with another registered scorer (e.g. mme-realworld-vlmevalkit)")
    .option("--image-root <folder>", "where relative image paths are read from (default: beside the data)")
    .option("--judge-concurrency <n>", "judge calls at once", "8");
  return addJudgeOptions(command).action(async (benchmark: string, flags: ScoreFlags) => {
    const scoring = scoringFor(benchmark, flags.scorer);
    const judge = await judgeFrom(flags, benchmark, scoring.scorer.needsJudge);
    const concurrency = count("--judge-concurrency", flags.judgeConcurrency, 1);
    const predictions = await readPredictions(flags.predictions);
    const items: EvalItem[] = [];
    for await (const item of loadBenchmark(
      benchmark,
      flags.data,
      flags.imageRoot ? { imageRoot: flags.imageRoot } : {},
    ))
      items.push(item);
    let lastShown = 0;
    const report = await scorePredictions(items, predictions, {
      benchmark,
      scorer: flags.scorer,
      strict: flags.strict ?? false,
      judge,
      judgeConcurrency: concurrency,
      onItem: (done, total) => {
        const now = Date.now();
        if (flags.json || (now - lastShown < 250 && done < total)) return;
        lastShown = now;
        output.stderr(`\r${pc.dim(`judged ${done}/${total}`)}`);
      },
    });
    if (lastShown > 0) output.stderr("\n");
    if (flags.json) {
      output.stdout(`${JSON.stringify(report, null, 2)}\n`);
      return;
    }
    printReport(report, output);
  });
}
