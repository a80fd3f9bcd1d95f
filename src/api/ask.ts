import type { z } from "zod";
import type { budgetsSchema, DialectName, modelConfigSchema } from "../core/config.js";
import type { RunEventListener } from "../core/events.js";
import type { ImageSet } from "../core/image-set.js";
import type { StopReason, Trajectory } from "../core/trajectory.js";
import type { PromptPack } from "../dialects/prompt-pack.js";
import { type AskMode, modeToolKinds } from "../modes/mode-names.js";
import { runMode } from "../modes/run-mode.js";
import { type ImageInput, loadImages } from "./input-images.js";
import { type LoupeConfigInput, resolveConfig } from "./resolve-config.js";
import { createRunParts } from "./run-parts.js";

/** The model server to ask: an OpenAI-compatible base URL and model name, and any other model setting. */
export type ModelInput = Partial<z.input<typeof modelConfigSchema>> & {
  /** An OpenAI-compatible base URL, e.g. http://127.0.0.1:8000/v1. */
  baseUrl: string;
  /** The model's name as the server knows it. */
  name: string;
  apiKey?: string;
};

/** Budgets of one run; the rest keep their defaults (or the profile's). */
export type BudgetsInput = Partial<z.input<typeof budgetsSchema>>;

/** Any LoupeConfig field, as a config file would have it; `model` may be left to AskOptions.model. */
export type AskConfig = Omit<LoupeConfigInput, "model"> & {
  model?: Partial<z.input<typeof modelConfigSchema>>;
};

export interface AskOptions {
  /** The model server and model. Its fields win over `config.model`. */
  model: ModelInput;
  question: string;
  /** Input images: file paths, http(s) URLs, or bytes. */
  images?: readonly ImageInput[];
  /** Multiple-choice options (A, B, ... in order), for dialects that show them. */
  choices?: readonly string[];
  /**
   * How the question is answered: `interleaved` (default) the agent loop; `direct` one turn, no
   * tools; `plan` a planner's plan executed (config `plan`); `research` sub-agents, an evidence
   * store and a report whose citations are checked (config `research`; the report is in
   * `trajectory.research`). See docs/modes.md.
   */
  mode?: AskMode;
  /** How the model writes actions (`native` function calling by default); a profile implies its own. */
  dialect?: DialectName;
  /** A model profile (see `loupe dialects`): what the model was trained under; your other values win. */
  profile?: string;
  /** A prompt pack: an object, or the path of a YAML or JSON file. */
  promptPack?: PromptPack | string;
  /** Replaces the dialect's system prompt. */
  systemPrompt?: string;
  /** Tool names to enable (see `loupe tools`); the dialect's defaults when absent. */
  tools?: readonly string[];
  budgets?: BudgetsInput;
  /** Any other configuration, as in loupe.config.json; the options above win over it. */
  config?: AskConfig;
  /** Cancels the run: it ends with stop reason "cancelled" and the steps done so far. */
  signal?: AbortSignal;
  /** Every event of the run, in order, as it happens. */
  onEvent?: RunEventListener;
  /** The trajectory so far, after every step: write it somewhere to keep a run killed from outside. */
  onCheckpoint?: (trajectory: Trajectory) => void | Promise<void>;
  /** The run's id in its trajectory and events; a random UUID by default. */
  runId?: string;
  /**
   * Where search provider API keys (SERPER_API_KEY, ...) and $LOUPE_HOME are read; process.env by
   * default. No other environment variable and no config file is read: pass them in `config`.
   */
  env?: NodeJS.ProcessEnv;
}

export interface AskResult {
  /** The final answer; absent when the run ended without one (see stopReason and trajectory.error). */
  answer?: string;
  stopReason: StopReason;
  /** The whole run, as `loupe ask` writes it to trajectory.json. */
  trajectory: Trajectory;
  /** The run's images (inputs and those tools produced) with their bytes. */
  images: ImageSet;
}

/**
 * Asks a vision-language model a question about images, letting it crop, zoom, run code or search
 * as its dialect allows, and returns the answer with the recorded trajectory. The config is
 * resolved as `loupe ask` resolves it (profile values under yours, every value checked); bad
 * configuration and unreadable images throw a LoupeError before the run starts. Once the run has
 * started it always resolves: a model failure, a spent budget or a cancellation is a stop reason.
 */
export async function ask(options: AskOptions): Promise<AskResult> {
  const config = await resolveConfig(askConfigInput(options), { env: options.env });
  const images = await loadImages(options.images ?? [], config.images, { signal: options.signal });
  const pack = typeof options.promptPack === "object" ? options.promptPack : undefined;
  const mode = options.mode ?? "interleaved";
  const parts = await createRunParts(config, { promptPack: pack, defaultKinds: modeToolKinds(mode) });
  try {
    const result = await runMode(mode, {
      question: options.question,
      choices: options.choices,
      images,
      config,
      model: parts.model,
      dialect: parts.dialect,
      tools: parts.tools,
      systemPrompt: options.systemPrompt ?? parts.systemPrompt,
      signal: options.signal,
      onEvent: options.onEvent,
      onCheckpoint: options.onCheckpoint,
      runId: options.runId,
    });
    return runOutcome(result.trajectory, result.images);
  } finally {
    await parts.close();
  }
}

/** The raw config of an `ask`: `config`, with the top-level options written over it. */
export function askConfigInput(options: AskOptions): Record<string, unknown> {
  const { config = {} } = options;
  const raw: Record<string, unknown> = { ...config, model: { ...config.model, ...options.model } };
  if (options.dialect !== undefined) raw.dialect = options.dialect;
  if (options.profile !== undefined) raw.profile = options.profile;
  if (options.tools !== undefined) raw.tools = [...options.tools];
  if (options.budgets !== undefined) raw.budgets = { ...config.budgets, ...options.budgets };
  if (typeof options.promptPack === "string") raw.promptPackFile = options.promptPack;
  return raw;
}

function runOutcome(trajectory: Trajectory, images: ImageSet): AskResult {
  return { answer: trajectory.answer, stopReason: trajectory.stopReason, trajectory, images };
}
