import { readFile } from "node:fs/promises";
import type { Command } from "commander";
import { formatConfigIssues, modelConfigSchema } from "../../../core/config.js";
import { describeError, LoupeError } from "../../../core/errors.js";
import { Judge } from "../../../eval/judges/judge.js";
import { judgeParserNamed } from "../../../eval/judges/judge-parsers.js";

/** The judge flags of the commands that score (`eval run`, `eval score`). */
export interface JudgeFlags {
  judgeModel?: string;
  judgeBaseUrl?: string;
  judgeApiKey?: string;
  judgePrompt?: string;
  judgeParser?: string;
  judgeRetries?: string;
}

export function addJudgeOptions(command: Command): Command {
  return command
    .option(
      "--judge-model <name>",
      "the LLM judge's model, for judge-scored benchmarks (env LOUPE_JUDGE_MODEL)",
    )
    .option("--judge-base-url <url>", "the judge's OpenAI-compatible base URL (env LOUPE_JUDGE_BASE_URL)")
    .option("--judge-api-key <key>", "the judge's API key (env LOUPE_JUDGE_API_KEY)")
    .option("--judge-prompt <file>", "a Mustache template replacing the judge family's prompt")
    .option(
      "--judge-parser <name>",
      "how the judge's reply is read, replacing the family's (hle, browsecomp, simpleqa, deepeyes-v2, ...)",
    )
    .option("--judge-retries <n>", "retries of a failed judge call before the item is reported", "4");
}

/** The judge the flags (or environment) name, or undefined when no judge model is given. */
export async function judgeFromFlags(
  flags: JudgeFlags,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Judge | undefined> {
  const name = flags.judgeModel ?? env.LOUPE_JUDGE_MODEL;
  const baseUrl = flags.judgeBaseUrl ?? env.LOUPE_JUDGE_BASE_URL;
  if (name === undefined && baseUrl === undefined) return undefined;
  if (name === undefined || baseUrl === undefined)
    throw new LoupeError("config", "The judge needs both --judge-model and --judge-base-url.");
  const apiKey = flags.judgeApiKey ?? env.LOUPE_JUDGE_API_KEY;
  const retries = Number(flags.judgeRetries ?? "4");
  if (!Number.isInteger(retries) || retries < 0)
    throw new LoupeError(
      "config",
      `--judge-retries must be a whole number of at least 0, got "${flags.judgeRetries}".`,
    );
  const parsed = modelConfigSchema.safeParse({
    name,
    baseUrl,
    ...(apiKey ? { apiKey } : {}),
    maxRetries: retries,
    stream: false,
  });
  if (!parsed.success)
    throw new LoupeError("config", `The judge model:\n${formatConfigIssues(parsed.error)}`);
  let template: string | undefined;
  if (flags.judgePrompt !== undefined) {
    try {
      template = await readFile(flags.judgePrompt, "utf8");
    } catch (error) {
      throw new LoupeError(
        "config",
        `Cannot read the judge prompt ${flags.judgePrompt}: ${describeError(error)}`,
      );
    }
  }
  if (flags.judgeParser !== undefined) judgeParserNamed(flags.judgeParser);
  return new Judge({
    model: parsed.data,
    ...(template === undefined ? {} : { template }),
    ...(flags.judgeParser === undefined ? {} : { parser: flags.judgeParser }),
  });
}
