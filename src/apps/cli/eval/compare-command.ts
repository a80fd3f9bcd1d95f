import { Command } from "commander";
import { LoupeError } from "../../../core/errors.js";
import { comparisonLines } from "../../../eval/reports/markdown-report.js";
import { compareResults } from "../../../eval/reports/paired-comparison.js";
import { addStoreOption } from "../store-option.js";
import { type CommandOutput, processOutput } from "./command-output.js";
import { requireEvaluation, withEvaluations } from "./report-command.js";

interface CompareFlags {
  json?: boolean;
  variant?: string;
  store?: string;
  config?: string;
}

/**
 * `loupe eval compare EVAL_A EVAL_B`: the two evaluations item by item on the items both
 * finished: the flips each way and McNemar's exact paired test. EVAL:VARIANT picks one side of
 * an ablation (`news-1:direct`).
 */
export function compareCommand(output: CommandOutput = processOutput): Command {
  const command = new Command("compare")
    .description("compare two evaluations item by item: flips, and McNemar's exact paired test")
    .argument("<eval-a>", "an evaluation id, or ID:VARIANT for one side of an ablation")
    .argument("<eval-b>", "the other")
    .option("--json", "print JSON")
    .option("--config <file>", "config file (for its store setting)");
  addStoreOption(command);
  return command.action(async (a: string, b: string, flags: CompareFlags) => {
    const comparison = await withEvaluations(flags, async (evals) => {
      const side = async (spec: string) => {
        const [id, variant] = spec.split(":") as [string, string | undefined];
        const evaluation = await requireEvaluation(evals, id);
        const results = await evals.results(id);
        const variants = [...new Set(results.map((result) => result.variant))];
        const chosen = variant ?? (variants.length === 1 ? variants[0] : undefined);
        if (chosen === undefined || !variants.includes(chosen))
          throw new LoupeError(
            "config",
            `${spec}: evaluation ${evaluation.id} has the variants ${variants.join(", ") || "(none yet)"}; name one as ${id}:VARIANT.`,
          );
        return {
          results: results.filter((result) => result.variant === chosen),
          label: spec,
          benchmark: evaluation.benchmark,
        };
      };
      const left = await side(a);
      const right = await side(b);
      if (left.benchmark !== right.benchmark)
        throw new LoupeError(
          "config",
          `${a} is of ${left.benchmark} and ${b} of ${right.benchmark}: compare evaluations of one benchmark.`,
        );
      return compareResults(left.results, right.results, { a: left.label, b: right.label });
    });
    if (flags.json) output.stdout(`${JSON.stringify(comparison, null, 2)}\n`);
    else output.stdout(`${comparisonLines(comparison).join("\n").trimEnd()}\n`);
  });
}
