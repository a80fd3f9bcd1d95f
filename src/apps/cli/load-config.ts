import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import type { z } from "zod";
import { maxConfigFileBytes, regularFileProblem, resolveConfig } from "../../api/resolve-config.js";
import { budgetsSchema, type LoupeConfig, modelConfigSchema } from "../../core/config.js";
import { layerConfig } from "../../core/config-layers.js";
import { timerSeconds } from "../../core/config-numbers.js";
import { dialectNameRegistry } from "../../core/dialect-names.js";
import { describeError, LoupeError } from "../../core/errors.js";
import { loupeHome } from "../../core/paths.js";
import { discoverLocalModel, noModelConfiguredMessage } from "../../models/discover-local-model.js";

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
  maxCost?: string;
  temperature?: string;
  topP?: string;
  maxOutputTokens?: string;
  extraBody?: string;
  stream?: boolean;
  response?: string;
  systemPromptFile?: string;
  store?: string;
}

export const DEFAULT_CONFIG_FILE = "loupe.config.json";

/** Where a config value came from when not the file: a flag or an environment variable, by path. */
type Origins = Map<string, string>;

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
  const { raw, origins } = await loadRawConfig(flags, env, options);
  return resolveConfig(raw, { origins, env });
}

/**
 * The layers of `loadConfig` merged but not resolved: what `loupe serve` lays each request's
 * choices (model, dialect, profile, budgets) over before resolving, so a request's profile goes
 * under the file's values as a flag's would. `origins` says which flag or variable set a key.
 */
export async function loadRawConfig(
  flags: ConfigFlags,
  env: NodeJS.ProcessEnv = process.env,
  options: { discover?: typeof discoverLocalModel } = {},
): Promise<{ raw: Record<string, unknown>; origins: Map<string, string> }> {
  // Checked first: the schema's defaults for the cache, index and image folders are built from it.
  loupeHome(env);
  const fromFile = await readConfigFile(flags.config ?? env.LOUPE_CONFIG);
  const origins: Origins = new Map();
  const merged = layerConfig(layerConfig(fromFile, fromEnv(env, origins)), fromFlags(flags, origins));
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
  return { raw: merged, origins };
}

/**
 * The `store` setting alone, by the same precedence (flag, $LOUPE_STORE, the config file), for
 * commands that need the store before, or without, a model: `loupe runs`, `loupe resume ID`.
 */
export async function configuredStore(
  flags: Pick<ConfigFlags, "config" | "store">,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string | undefined> {
  if (flags.store) return flags.store;
  if (env.LOUPE_STORE) return env.LOUPE_STORE;
  const fromFile = (await readConfigFile(flags.config ?? env.LOUPE_CONFIG)).store;
  return typeof fromFile === "string" && fromFile !== "" ? fromFile : undefined;
}

async function readConfigFile(path: string | undefined): Promise<Record<string, unknown>> {
  const file = path ? resolve(path) : resolve(DEFAULT_CONFIG_FILE);
  if (!path && !existsSync(file)) return {};
  const problem = await regularFileProblem(file, maxConfigFileBytes);
  if (problem) throw new LoupeError("config", `Cannot read config file ${file}: ${problem}.`);
  try {
    // Editors on Windows save UTF-8 with a byte order mark, which JSON.parse refuses.
    const value = JSON.parse((await readFile(file, "utf8")).replace(/^\uFEFF/, ""));
    if (!value || typeof value !== "object" || Array.isArray(value))
      throw new Error("expected a JSON object");
    return value as Record<string, unknown>;
  } catch (error) {
    throw new LoupeError("config", `Cannot read config file ${file}: ${describeError(error)}`);
  }
}

function fromEnv(env: NodeJS.ProcessEnv, origins: Origins): Record<string, unknown> {
  const model: Record<string, unknown> = {};
  const set = (path: string, target: Record<string, unknown>, key: string, names: string[]) => {
    const name = names.find((candidate) => env[candidate]);
    if (!name) return;
    target[key] = env[name];
    origins.set(path, name);
  };
  set("model.baseUrl", model, "baseUrl", ["LOUPE_BASE_URL", "OPENAI_BASE_URL"]);
  set("model.name", model, "name", ["LOUPE_MODEL"]);
  set("model.apiKey", model, "apiKey", ["LOUPE_API_KEY", "OPENAI_API_KEY"]);
  const config: Record<string, unknown> = { model };
  set("dialect", config, "dialect", ["LOUPE_DIALECT"]);
  set("profile", config, "profile", ["LOUPE_PROFILE"]);
  set("store", config, "store", ["LOUPE_STORE"]);
  return config;
}

function fromFlags(flags: ConfigFlags, origins: Origins): Record<string, unknown> {
  const model: Record<string, unknown> = {};
  const fromFlag = (path: string, flag: string) => origins.set(path, flag);
  if (flags.baseUrl) {
    model.baseUrl = flags.baseUrl;
    fromFlag("model.baseUrl", "--base-url");
  }
  if (flags.model) {
    model.name = flags.model;
    fromFlag("model.name", "--model");
  }
  if (flags.apiKey) {
    model.apiKey = flags.apiKey;
    fromFlag("model.apiKey", "--api-key");
  }
  const { shape: modelFields } = modelConfigSchema;
  const { shape: budgetFields } = budgetsSchema;
  if (flags.temperature !== undefined)
    model.temperature = numberFlag("--temperature", flags.temperature, modelFields.temperature);
  if (flags.topP !== undefined) model.topP = numberFlag("--top-p", flags.topP, modelFields.topP);
  if (flags.maxOutputTokens !== undefined)
    model.maxTokens = numberFlag("--max-output-tokens", flags.maxOutputTokens, modelFields.maxTokens);
  if (flags.extraBody !== undefined) {
    model.extraBody = jsonFlag("--extra-body", flags.extraBody);
    fromFlag("model.extraBody", "--extra-body");
  }
  if (flags.stream === false) model.stream = false;
  if (flags.response !== undefined) model.response = flags.response;
  const budgets: Record<string, unknown> = {};
  if (flags.maxSteps !== undefined)
    budgets.maxSteps = numberFlag("--max-steps", flags.maxSteps, budgetFields.maxSteps);
  if (flags.maxToolCalls !== undefined)
    budgets.maxToolCalls = numberFlag("--max-tool-calls", flags.maxToolCalls, budgetFields.maxToolCalls);
  if (flags.maxTokens !== undefined)
    budgets.maxTokens = numberFlag("--max-tokens", flags.maxTokens, budgetFields.maxTokens);
  if (flags.timeLimit !== undefined) {
    // Seconds on the command line, budgets.maxWallMs in the config: the same timer bounds.
    const seconds = numberFlag("--time-limit", flags.timeLimit, timerSeconds());
    budgets.maxWallMs = Math.max(1, Math.round(seconds * 1000));
  }
  if (flags.maxCost !== undefined)
    budgets.maxCostUsd = numberFlag("--max-cost", flags.maxCost, budgetFields.maxCostUsd);
  const config: Record<string, unknown> = { model, budgets };
  if (flags.dialect) {
    if (!dialectNameRegistry.has(flags.dialect)) {
      throw new LoupeError("config", `--dialect: ${dialectNameRegistry.unknownMessage(flags.dialect)}`);
    }
    config.dialect = flags.dialect;
  }
  if (flags.tools !== undefined) {
    config.tools = flags.tools
      .split(",")
      .map((name) => name.trim())
      .filter(Boolean);
  }
  if (flags.systemPromptFile) {
    config.systemPromptFile = flags.systemPromptFile;
    fromFlag("systemPromptFile", "--system-prompt-file");
  }
  if (flags.profile) {
    config.profile = flags.profile;
    fromFlag("profile", "--profile");
  }
  if (flags.promptPack) {
    config.promptPackFile = flags.promptPack;
    fromFlag("promptPackFile", "--prompt-pack");
  }
  if (flags.store) {
    config.store = flags.store;
    fromFlag("store", "--store");
  }
  return config;
}

/** A numeric flag, checked by the schema of the config field it sets; the error names the flag. */
function numberFlag(name: string, value: string, schema: z.ZodType<unknown>): number {
  const number = value.trim() === "" ? Number.NaN : Number(value);
  if (!Number.isFinite(number)) throw new LoupeError("config", `${name}: expected a number, got "${value}".`);
  const parsed = schema.safeParse(number);
  if (!parsed.success) throw new LoupeError("config", `${name}: ${parsed.error.issues[0]?.message}.`);
  return number;
}

function jsonFlag(name: string, value: string): unknown {
  try {
    return JSON.parse(value);
  } catch (error) {
    throw new LoupeError("config", `${name}: not valid JSON (${describeError(error)}).`);
  }
}
