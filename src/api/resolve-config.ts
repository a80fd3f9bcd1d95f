import { stat } from "node:fs/promises";
import type { z } from "zod";
import { type LoupeConfig, loupeConfigSchema } from "../core/config.js";
import { describeError, LoupeError } from "../core/errors.js";
import { loupeHome } from "../core/paths.js";
import { mergeSearchEnvironment } from "../core/search-config.js";
import { withProfile } from "../dialects/profiles.js";
import { createImageHost } from "../search/image-host.js";

/**
 * What a caller may configure: every LoupeConfig field, each optional where the schema has a
 * default (as the config file accepts it). `model.baseUrl` and `model.name` are required.
 */
export type LoupeConfigInput = z.input<typeof loupeConfigSchema>;

/** A config file is a few kilobytes; a bigger one is not a config file (or is /dev/zero). */
export const maxConfigFileBytes = 1024 * 1024;

export interface ResolveConfigOptions {
  /**
   * Where a value came from when it was not written in the config itself, by key path
   * ("model.apiKey" → "LOUPE_API_KEY"), so an error names the flag or variable to fix.
   */
  origins?: ReadonlyMap<string, string>;
  /** Where search provider API keys (SERPER_API_KEY, ...) and $LOUPE_HOME are read; process.env by default. */
  env?: NodeJS.ProcessEnv;
}

/**
 * A raw config (values as a config file has them) made into a checked LoupeConfig, the same way
 * for the CLI and for library callers: the model profile's values go under the caller's (the
 * caller wins), the schema fills defaults, and every bad value is a LoupeError("config") that
 * names its key. Files the run will read (prompt files) and the image host are checked now, not
 * when the run reaches them.
 */
export async function resolveConfig(
  raw: LoupeConfigInput | Record<string, unknown>,
  options: ResolveConfigOptions = {},
): Promise<LoupeConfig> {
  const env = options.env ?? process.env;
  // Checked first: the schema's defaults for the cache, index and image folders are built from it.
  loupeHome(env);
  const origins = options.origins ?? new Map<string, string>();
  // The profile's values go under the user's: what the model was trained under, unless told otherwise.
  const parsed = loupeConfigSchema.safeParse(withProfile(raw as Record<string, unknown>));
  if (!parsed.success) throw invalidConfiguration(parsed.error, origins);
  const config = { ...parsed.data, search: mergeSearchEnvironment(parsed.data.search, env) };
  // A misconfigured image host is the user's to fix now, not a tool error the model reads later.
  createImageHost(config.search.imageHost);
  // So are prompt files that cannot be read: found now, not when the run reaches them.
  await assertReadableTextFile(
    config.systemPromptFile,
    origins.get("systemPromptFile") ?? "systemPromptFile",
  );
  await assertReadableTextFile(config.search.webVisit.summaryPromptFile, "search.webVisit.summaryPromptFile");
  await assertReadableTextFile(config.plan.promptFile, "plan.promptFile");
  return config;
}

/**
 * One line per bad field, naming it and, when it came from a flag or the environment, where
 * ("model.apiKey (LOUPE_API_KEY): ..."); a single problem stays on one line.
 */
function invalidConfiguration(error: z.ZodError, origins: ReadonlyMap<string, string>): LoupeError {
  const lines = error.issues.map((issue) => {
    const path = issue.path.join(".") || "(root)";
    const origin = origins.get(path);
    return `${path}${origin ? ` (${origin})` : ""}: ${issue.message}`;
  });
  const message =
    lines.length === 1
      ? `Invalid configuration: ${lines[0]}${/[.!?]$/.test(lines[0] ?? "") ? "" : "."}`
      : `Invalid configuration:\n${lines.join("\n")}`;
  return new LoupeError("config", message);
}

async function assertReadableTextFile(path: string | undefined, key: string): Promise<void> {
  if (path === undefined) return;
  const problem = await regularFileProblem(path, maxConfigFileBytes);
  if (problem) throw new LoupeError("config", `${key}: cannot read ${path}: ${problem}.`);
}

/** Why `path` is not a regular file of at most `maxBytes`, or undefined when it is one. */
export async function regularFileProblem(path: string, maxBytes: number): Promise<string | undefined> {
  const info = await stat(path).catch((error: NodeJS.ErrnoException) => error);
  if (info instanceof Error) {
    if (info.code === "ENOENT") return "no such file";
    if (info.code === "EACCES") return "permission denied";
    return describeError(info);
  }
  if (info.isDirectory()) return "it is a folder, not a file";
  if (!info.isFile()) return "it is not a regular file";
  if (info.size > maxBytes)
    return `it is ${info.size.toLocaleString("en-US")} bytes, more than the ${maxBytes.toLocaleString("en-US")} a text file here may have`;
  return undefined;
}
