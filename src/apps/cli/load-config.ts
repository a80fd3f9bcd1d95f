import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { dialectNames, formatConfigIssues, type LoupeConfig, loupeConfigSchema } from "../../core/config.js";
import { describeError, LoupeError } from "../../core/errors.js";
import { mergeSearchEnvironment } from "../../core/search-config.js";
import { withProfile } from "../../dialects/profiles.js";
import { discoverLocalModel, noModelConfiguredMessage } from "../../models/discover-local-model.js";
import { createImageHost } from "../../search/image-host.js";

/** The flags `loupe ask` (and later commands) accept that end up in the config. */
export interface ConfigFlags {
  config?: string;
  baseUrl?: string;
  model?: string;
  apiKey?: string;
  dialect?: string;
  profile?: string;
  promptPack?: string;
  tools?: string;
  maxSteps?: string;
  maxToolCalls?: string;
  maxTokens?: string;
  timeLimit?: string;
  temperature?: string;
  topP?: string;
  maxOutputTokens?: string;
  extraBody?: string;
  stream?: boolean;
  response?: string;
  systemPromptFile?: string;
}

export const DEFAULT_CONFIG_FILE = "loupe.config.json";

/**
 * Builds the run configuration from, in increasing precedence: the config file
 * (--config, $LOUPE_CONFIG or ./loupe.config.json), environment variables, then flags. When no
 * model is configured anywhere, probes for a local Ollama or vLLM before giving up with a message
 * that shows how to point Loupe at one.
 */
export async function loadConfig(
  flags: ConfigFlags,
  env: NodeJS.ProcessEnv = process.env,
  options: { discover?: typeof discoverLocalModel } = {},
): Promise<LoupeConfig> {
  const fromFile = await readConfigFile(flags.config ?? env.LOUPE_CONFIG);
  const merged = deepMerge(deepMerge(fromFile, fromEnv(env)), fromFlags(flags));
  const model = (merged.model ?? {}) as Record<string, unknown>;
  if (!model.baseUrl || !model.name) {
    const found = model.baseUrl ? undefined : await (options.discover ?? discoverLocalModel)();
    if (found) {
      model.baseUrl ??= found.baseUrl;
      model.name ??= found.model;
    }
    if (!model.baseUrl || !model.name) throw new LoupeError("config", noModelConfiguredMessage());
    merged.model = model;
  }
  // The profile's values go under the user's: what the model was trained under, unless told otherwise.
  const parsed = loupeConfigSchema.safeParse(withProfile(merged));
  if (!parsed.success) {
    throw new LoupeError("config", `Invalid configuration:\n${formatConfigIssues(parsed.error)}`);
  }
  const config = { ...parsed.data, search: mergeSearchEnvironment(parsed.data.search, env) };
  // A misconfigured image host is the user's to fix now, not a tool error the model reads later.
  createImageHost(config.search.imageHost);
  return config;
}

async function readConfigFile(path: string | undefined): Promise<Record<string, unknown>> {
  const file = path ? resolve(path) : resolve(DEFAULT_CONFIG_FILE);
  if (!path && !existsSync(file)) return {};
  try {
    const value = JSON.parse(await readFile(file, "utf8"));
    if (!value || typeof value !== "object" || Array.isArray(value))
      throw new Error("expected a JSON object");
    return value as Record<string, unknown>;
  } catch (error) {
    throw new LoupeError("config", `Cannot read config file ${file}: ${describeError(error)}`);
  }
}

function fromEnv(env: NodeJS.ProcessEnv): Record<string, unknown> {
  const model: Record<string, unknown> = {};
  const baseUrl = env.LOUPE_BASE_URL ?? env.OPENAI_BASE_URL;
  if (baseUrl) model.baseUrl = baseUrl;
  if (env.LOUPE_MODEL) model.name = env.LOUPE_MODEL;
  const apiKey = env.LOUPE_API_KEY ?? env.OPENAI_API_KEY;
  if (apiKey) model.apiKey = apiKey;
  const config: Record<string, unknown> = { model };
  if (env.LOUPE_DIALECT) config.dialect = env.LOUPE_DIALECT;
  if (env.LOUPE_PROFILE) config.profile = env.LOUPE_PROFILE;
  return config;
}

function fromFlags(flags: ConfigFlags): Record<string, unknown> {
  const model: Record<string, unknown> = {};
  if (flags.baseUrl) model.baseUrl = flags.baseUrl;
  if (flags.model) model.name = flags.model;
  if (flags.apiKey) model.apiKey = flags.apiKey;
  if (flags.temperature !== undefined) model.temperature = numberFlag("--temperature", flags.temperature);
  if (flags.topP !== undefined) model.topP = numberFlag("--top-p", flags.topP);
  if (flags.maxOutputTokens !== undefined)
    model.maxTokens = numberFlag("--max-output-tokens", flags.maxOutputTokens);
  if (flags.extraBody !== undefined) model.extraBody = jsonFlag("--extra-body", flags.extraBody);
  if (flags.stream === false) model.stream = false;
  if (flags.response !== undefined) model.response = flags.response;
  const budgets: Record<string, unknown> = {};
  if (flags.maxSteps !== undefined) budgets.maxSteps = numberFlag("--max-steps", flags.maxSteps);
  if (flags.maxToolCalls !== undefined)
    budgets.maxToolCalls = numberFlag("--max-tool-calls", flags.maxToolCalls);
  if (flags.maxTokens !== undefined) budgets.maxTokens = numberFlag("--max-tokens", flags.maxTokens);
  if (flags.timeLimit !== undefined) {
    const seconds = numberFlag("--time-limit", flags.timeLimit);
    if (seconds < 0.001)
      throw new LoupeError(
        "config",
        `--time-limit: expected a positive number of seconds, got "${flags.timeLimit}".`,
      );
    budgets.maxWallMs = Math.round(seconds * 1000);
  }
  const config: Record<string, unknown> = { model, budgets };
  if (flags.dialect) {
    if (!(dialectNames as readonly string[]).includes(flags.dialect)) {
      throw new LoupeError(
        "config",
        `--dialect: unknown dialect "${flags.dialect}". Choose one of: ${dialectNames.join(", ")}.`,
      );
    }
    config.dialect = flags.dialect;
  }
  if (flags.tools !== undefined) {
    config.tools = flags.tools
      .split(",")
      .map((name) => name.trim())
      .filter(Boolean);
  }
  if (flags.systemPromptFile) config.systemPromptFile = flags.systemPromptFile;
  if (flags.profile) config.profile = flags.profile;
  if (flags.promptPack) config.promptPackFile = flags.promptPack;
  return config;
}

function numberFlag(name: string, value: string): number {
  const number = Number(value);
  if (!Number.isFinite(number)) throw new LoupeError("config", `${name}: expected a number, got "${value}".`);
  return number;
}

function jsonFlag(name: string, value: string): unknown {
  try {
    return JSON.parse(value);
  } catch (error) {
    throw new LoupeError("config", `${name}: not valid JSON (${describeError(error)}).`);
  }
}

function deepMerge(
  base: Record<string, unknown>,
  override: Record<string, unknown>,
): Record<string, unknown> {
  const result: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) {
    const existing = result[key];
    result[key] = isPlainObject(existing) && isPlainObject(value) ? deepMerge(existing, value) : value;
  }
  return result;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
