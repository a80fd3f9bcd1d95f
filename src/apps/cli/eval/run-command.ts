import { randomUUID } from "node:crypto";
import { Command } from "commander";
import { builtInPrices } from "../../../agent/model-prices.js";
import { createRunParts, type RunParts } from "../../../api/run-parts.js";
import type { LoupeConfig } from "../../../core/config.js";
import { LoupeError } from "../../../core/errors.js";
import { benchmarkNamed, loadBenchmark } from "../../../eval/benchmarks.js";
import type { EvalItem } from "../../../eval/eval-item.js";
import { runEvaluation } from "../../../eval/runner/eval-runner.js";
import { selectItems } from "../../../eval/runner/item-selection.js";
import type { VariantParts } from "../../../eval/runner/run-item.js";
import { prepareSearchReplay } from "../../../eval/runner/search-replay.js";
import { scoringFor } from "../../../eval/scorer-registry.js";
import { type AskMode, askModes, isAskMode, modeToolKinds } from "../../../modes/mode-names.js";
import type { EvaluationRecord } from "../../../store/eval-store.js";
import { openEvalStores } from "../../../store/open-eval-store.js";
import { addRunOptions } from "../ask-command.js";
import { exitCodes } from "../exit-codes.js";
import { type ConfigFlags, loadConfig } from "../load-config.js";
import { addStoreOption, storeIsOff } from "../store-option.js";
import { type CommandOutput, processOutput } from "./command-output.js";
import { addJudgeOptions, type JudgeFlags, judgeFromFlags } from "./judge-options.js";
import { ProgressLine } from "./progress-line.js";

interface RunFlags extends ConfigFlags, JudgeFlags {
  data?: string;
  imageRoot?: string;
  concurrency: string;
  rate?: string;
  retries: string;
  itemTimeout?: string;
  limit?: string;
  sample?: string;
  seed: string;
  ids?: string;
  name?: string;
  id?: string;
  resume?: string;
  retryFailed?: boolean;
  ablation?: string;
  mode?: string;
  searchReplay?: string;
  scorer?: string;
  strict?: boolean;
  quiet?: boolean;
  json?: boolean;
}

/** The settings an evaluation is recorded with, and a resume reads back. */
interface EvalSettings {
  data: string;
  imageRoot?: string;
  variants: string[];
  scorer?: string;
  strict?: boolean;
  model: string;
  dialect: string;
  tools?: string[];
  /** How the tools variant answers (docs/modes.md); absent: the agent loop. */
  mode?: AskMode;
  searchReplay?: string;
  selection: { limit?: number; sample?: number; seed?: number; ids?: string[] };
}

/**
 * `loupe eval run BENCHMARK --data PATH`: runs the benchmark's items through the agent with ask's
 * model, dialect, tools and budget flags, scores each as it finishes, and commits each result to
 * the store. `--resume EVAL_ID` goes on with an evaluation, redoing nothing that finished.
 */
export function runCommand(output: CommandOutput = processOutput): Command {
  const command = new Command("run")
    .description("run a benchmark through the agent, scoring and storing each item as it finishes")
    .argument("[benchmark]", "a name from `loupe eval list` (not needed with --resume)")
    .option("--data <path>", "the benchmark's data file or folder")
    .option(
      "--image-root <folder>",
      "where relative image paths are read from (default: the data file's folder)",
    )
    .option("--concurrency <n>", "items in flight at once", "4")
    .option("--rate <r>", "most requests per second to the model, across all items")
    .option("--retries <n>", "attempts after the first for an item whose run failed or timed out", "1")
    .option("--item-timeout <seconds>", "time limit of one attempt at an item")
    .option("--limit <n>", "only the first N items (after --ids and --sample)")
    .option("--sample <n>", "a random sample of N items, the same for the same --seed")
    .option("--seed <s>", "the sample's seed", "0")
    .option("--ids <a,b>", "only these item ids (the benchmark's own)")
    .option("--name <name>", "a name for the evaluation, shown in reports")
    .option("--id <eval-id>", "the evaluation's id (default: a new random one)")
    .option("--resume <eval-id>", "go on with an evaluation: only what has not finished is run")
    .option("--retry-failed", "with --resume: also redo items that failed after their retries")
    .option("--ablation <what>", "tools: run every item with tools off (direct answer) and on, side by side")
    .option(
      "--mode <mode>",
      `how each item is answered: ${askModes.join(", ")} (default interleaved; see docs/modes.md)`,
    )
    .option(
      "--search-replay <eval-id>",
      "answer every search from what an earlier evaluation's runs observed (EVAL_ID or EVAL_ID:VARIANT)",
    )
    .option("--scorer <name>", "a registered scorer replacing the benchmark's own")
    .option("--strict", "also score with the strict variant where a scorer has one")
    .option("-q, --quiet", "no progress line")
    .option("--json", "print the outcome as JSON on stdout");
  addRunOptions(command);
  addStoreOption(command);
  addJudgeOptions(command);
  return command.action(async (benchmark: string | undefined, flags: RunFlags) => {
    process.exitCode = await runBenchmark(benchmark, flags, output);
  });
}

async function runBenchmark(
  name: string | undefined,
  flags: RunFlags,
  output: CommandOutput,
): Promise<number> {
  let config = await loadConfig(flags);
  if (storeIsOff(config.store))
    throw new LoupeError(
      "config",
      "--store none: an evaluation keeps its results in the store; give a file or a postgres:// URL.",
    );
  const stores = await openEvalStores(config.store);
  const opened: RunParts[] = [];
  try {
    const existing = flags.resume ? await stores.evals.getEvaluation(flags.resume) : undefined;
    if (flags.resume && !existing)
      throw new LoupeError("run-not-found", `No evaluation ${flags.resume} in the store.`, {
        hint: "the id is the one `loupe eval run` printed when it started",
      });
    const settings = existing ? (existing.settings as unknown as EvalSettings) : undefined;
    const benchmark = existing?.benchmark ?? name;
    if (!benchmark)
      throw new LoupeError("config", "Name the benchmark (see `loupe eval list`), or pass --resume EVAL_ID.");
    if (name && existing && name !== existing.benchmark)
      throw new LoupeError("config", `Evaluation ${existing.id} is of ${existing.benchmark}, not ${name}.`);
    benchmarkNamed(benchmark);
    const data = flags.data ?? settings?.data;
    if (!data) throw new LoupeError("config", "--data: give the benchmark's data file or folder.");
    const imageRoot = flags.imageRoot ?? settings?.imageRoot;
    const variants = settings?.variants ?? variantNames(flags.ablation);
    const mode = settings?.mode ?? modeFlag(flags.mode);
    const scoring = scoringFor(benchmark, flags.scorer ?? settings?.scorer);
    const strict = flags.strict ?? settings?.strict ?? false;
    const judge = await judgeFromFlags(flags);
    if (scoring.scorer.needsJudge && !judge)
      throw new LoupeError(
        "config",
        `${benchmark} is scored by an LLM judge (${scoring.scorer.name}): give the judge model with --judge-model and --judge-base-url.`,
      );

    const all: EvalItem[] = [];
    for await (const item of loadBenchmark(benchmark, data, imageRoot ? { imageRoot } : {})) all.push(item);
    const selection = existing
      ? { ids: existing.items }
      : {
          ...(flags.ids
            ? {
                ids: flags.ids
                  .split(",")
                  .map((id) => id.trim())
                  .filter(Boolean),
              }
            : {}),
          ...(flags.sample ? { sample: positive(flags.sample, "--sample") } : {}),
          seed: whole(flags.seed, "--seed"),
          ...(flags.limit ? { limit: positive(flags.limit, "--limit") } : {}),
        };
    const chosen = selectItems(all, selection);
    const items = new Map(chosen.map((item) => [item.id, item]));

    const evaluation: EvaluationRecord = existing ?? {
      id: flags.id ?? randomUUID(),
      ...(flags.name ? { name: flags.name } : {}),
      benchmark,
      createdAt: new Date().toISOString(),
      settings: {
        data,
        ...(imageRoot ? { imageRoot } : {}),
        variants,
        ...(flags.scorer ? { scorer: flags.scorer } : {}),
        strict,
        model: config.model.name,
        dialect: config.dialect,
        ...(config.tools ? { tools: config.tools } : {}),
        ...(mode === "interleaved" ? {} : { mode }),
        ...(flags.searchReplay ? { searchReplay: flags.searchReplay } : {}),
        selection,
      } satisfies EvalSettings as unknown as Record<string, unknown>,
      items: chosen.map((item) => item.id),
    };
    if (!existing && (await stores.evals.getEvaluation(evaluation.id)))
      throw new LoupeError(
        "config",
        `--id ${evaluation.id}: an evaluation with this id exists; resume it with --resume.`,
      );

    const searchReplay = flags.searchReplay ?? settings?.searchReplay;
    let aroundItem: Parameters<typeof runEvaluation>[0]["aroundItem"];
    if (searchReplay) {
      const replay = await prepareSearchReplay(searchReplay, stores, config);
      config = replay.config;
      aroundItem = replay.aroundItem;
      if (!flags.json)
        output.stderr(
          `Searches are answered from evaluation ${searchReplay} (${replay.runs} runs recorded).\n`,
        );
    }
    const variantParts: VariantParts[] = [];
    for (const variant of variants) {
      const variantMode: AskMode = variant === "direct" ? "direct" : mode;
      const variantConfig: LoupeConfig = variant === "direct" ? { ...config, tools: [] } : config;
      const parts = await createRunParts(variantConfig, { defaultKinds: modeToolKinds(variantMode) });
      opened.push(parts);
      variantParts.push({ name: variant, config: variantConfig, parts, mode: variantMode });
    }

    const controller = new AbortController();
    let stoppedBy: NodeJS.Signals | undefined;
    const onSignal = (signal: NodeJS.Signals) => {
      if (controller.signal.aborted)
        process.exit(signal === "SIGTERM" ? exitCodes.terminated : exitCodes.interrupted);
      stoppedBy = signal;
      output.stderr(
        `\n${signal === "SIGTERM" ? "Terminated" : "Interrupted"}: finishing nothing more; resume with --resume ${evaluation.id}\n`,
      );
      controller.abort();
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);

    const progress =
      flags.quiet || flags.json
        ? undefined
        : new ProgressLine(output.stderr, { tty: process.stderr.isTTY === true });
    if (!flags.json)
      output.stderr(
        `${existing ? "Resuming" : "Evaluation"} ${evaluation.id}: ${benchmark}, ${evaluation.items.length} items${variants.length > 1 ? ` × ${variants.join(", ")}` : ""}\n`,
      );
    try {
      const outcome = await runEvaluation({
        evaluation,
        resume: existing !== undefined,
        items,
        variants: variantParts,
        evals: stores.evals,
        runs: stores.runs,
        concurrency: positive(flags.concurrency, "--concurrency"),
        ...(flags.rate ? { rate: positiveNumber(flags.rate, "--rate") } : {}),
        retries: whole(flags.retries, "--retries"),
        ...(flags.itemTimeout
          ? { itemTimeoutMs: positiveNumber(flags.itemTimeout, "--item-timeout") * 1000 }
          : {}),
        retryFailed: flags.retryFailed ?? false,
        scorer: scoring.scorer,
        scoreContext: { strict, ...(judge ? { judge } : {}), signal: controller.signal },
        prices: { ...builtInPrices, ...config.modelPrices },
        signal: controller.signal,
        onResult: (_result, snapshot) => progress?.update(snapshot),
        ...(aroundItem ? { aroundItem } : {}),
      });
      if (progress) {
        progress.update(outcome.progress, true);
        progress.finish();
      }
      if (flags.json) output.stdout(`${JSON.stringify({ benchmark, ...outcome }, null, 2)}\n`);
      else
        output.stdout(
          `${outcome.cancelled ? "Stopped" : "Done"}: ${evaluation.id}  ${outcome.progress.done}/${outcome.progress.total}  accuracy ${(100 * outcome.progress.accuracy).toFixed(1)}%\n` +
            `  report: loupe eval report ${evaluation.id}${outcome.cancelled ? `\n  resume: loupe eval run --resume ${evaluation.id}` : ""}\n`,
        );
      if (outcome.cancelled) return stoppedBy === "SIGTERM" ? exitCodes.terminated : exitCodes.interrupted;
      return exitCodes.answer;
    } finally {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
    }
  } finally {
    for (const parts of opened) await parts.close();
    await stores.close();
  }
}

function modeFlag(value: string | undefined): AskMode {
  if (value === undefined) return "interleaved";
  if (isAskMode(value)) return value;
  throw new LoupeError("config", `--mode ${value}: the modes are ${askModes.join(", ")}.`);
}

function variantNames(ablation: string | undefined): string[] {
  if (ablation === undefined) return ["default"];
  if (ablation === "tools") return ["direct", "tools"];
  throw new LoupeError(
    "config",
    `--ablation ${ablation}: the ablation Loupe knows is "tools" (tools off, then on).`,
  );
}

function positive(text: string, flag: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1)
    throw new LoupeError("config", `${flag} ${text}: expected a whole number of at least 1.`);
  return value;
}

function whole(text: string, flag: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0)
    throw new LoupeError("config", `${flag} ${text}: expected a whole number (0 or more).`);
  return value;
}

function positiveNumber(text: string, flag: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0)
    throw new LoupeError("config", `${flag} ${text}: expected a number above 0.`);
  return value;
}
