import { writeFile } from "node:fs/promises";
import { Command } from "commander";
import { describeError, LoupeError } from "../../../core/errors.js";
import { buildReport } from "../../../eval/reports/eval-report.js";
import { htmlReport } from "../../../eval/reports/html-report.js";
import { markdownReport, paperLines } from "../../../eval/reports/markdown-report.js";
import { compareResults } from "../../../eval/reports/paired-comparison.js";
import { publishedFor } from "../../../eval/reports/published-results.js";
import type { EvalResult, EvalStore, EvaluationRecord } from "../../../store/eval-store.js";
import { openEvalStores } from "../../../store/open-eval-store.js";
import { configuredStore } from "../load-config.js";
import { addStoreOption, storeIsOff } from "../store-option.js";
import { type CommandOutput, processOutput } from "./command-output.js";

interface ReportFlags {
  format: string;
  out?: string;
  paper?: boolean;
  store?: string;
  config?: string;
}

/** Opens the store an eval command reads, and the evaluation named; clear errors for either. */
export async function withEvaluations<T>(
  flags: { store?: string; config?: string },
  work: (evals: EvalStore) => Promise<T>,
): Promise<T> {
  const location = await configuredStore(flags);
  if (storeIsOff(location))
    throw new LoupeError(
      "config",
      "--store none: the evaluation is read from the store; give a file or a postgres:// URL.",
    );
  const stores = await openEvalStores(location);
  try {
    return await work(stores.evals);
  } finally {
    await stores.close();
  }
}

export async function requireEvaluation(evals: EvalStore, id: string): Promise<EvaluationRecord> {
  const evaluation = await evals.getEvaluation(id);
  if (!evaluation)
    throw new LoupeError("run-not-found", `No evaluation ${id} in the store.`, {
      hint: "the id is the one `loupe eval run` printed when it started",
    });
  return evaluation;
}

/** `loupe eval report EVAL_ID`: the evaluation's figures as markdown, JSON or a self-contained HTML page. */
export function reportCommand(output: CommandOutput = processOutput): Command {
  const command = new Command("report")
    .description("an evaluation's figures: accuracy with 95% intervals, tool use, latency, tokens, cost")
    .argument("<eval-id>", "the evaluation's id (from `loupe eval run`)")
    .option("--format <format>", "md | json | html", "md")
    .option("--out <file>", "write the report to this file instead of stdout")
    .option("--paper", "set the results beside the published figures (the paper-table view)")
    .option("--config <file>", "config file (for its store setting)");
  addStoreOption(command);
  return command.action(async (id: string, flags: ReportFlags) => {
    if (!["md", "json", "html"].includes(flags.format))
      throw new LoupeError("config", `--format ${flags.format}: expected md, json or html.`);
    const text = await withEvaluations(flags, async (evals) => {
      const evaluation = await requireEvaluation(evals, id);
      const results = await evals.results(id);
      return renderReport(evaluation, results, flags);
    });
    if (flags.out) {
      try {
        await writeFile(flags.out, text);
      } catch (error) {
        throw new LoupeError(
          "config",
          `--out ${flags.out}: cannot write the report: ${describeError(error)}`,
        );
      }
      output.stderr(`Report written to ${flags.out}\n`);
    } else output.stdout(text);
  });
}

export function renderReport(
  evaluation: EvaluationRecord,
  results: readonly EvalResult[],
  flags: Pick<ReportFlags, "format" | "paper">,
): string {
  const report = buildReport(evaluation, results);
  const byVariant = (variant: string) => results.filter((result) => result.variant === variant);
  const ablation =
    report.variants.length === 2
      ? compareResults(byVariant(report.variants[0]!.variant), byVariant(report.variants[1]!.variant), {
          a: report.variants[0]!.variant,
          b: report.variants[1]!.variant,
        })
      : undefined;
  const published = flags.paper ? publishedFor(evaluation.benchmark) : undefined;
  const extras = { ...(ablation ? { ablation } : {}), ...(published ? { published } : {}) };
  if (flags.format === "json") return `${JSON.stringify({ ...report, ...extras }, null, 2)}\n`;
  if (flags.format === "html") {
    const latencies = new Map(
      report.variants.map((variant) => [
        variant.variant,
        byVariant(variant.variant).flatMap((result) => (result.wallMs === undefined ? [] : [result.wallMs])),
      ]),
    );
    return htmlReport(report, latencies, extras);
  }
  // The paper-table view alone: this evaluation's figure beside the published ones.
  if (published) return `${paperLines(report, published).join("\n").trimEnd()}\n`;
  return markdownReport(report, extras);
}
