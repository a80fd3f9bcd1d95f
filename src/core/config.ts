import { z } from "zod";
import {
  bytes,
  count,
  maxBufferBytes,
  milliseconds,
  numberBetween,
  timerSeconds,
  wholeSeconds,
} from "./config-numbers.js";
import { headerSecret, httpUrl } from "./config-strings.js";
import { coordinateSystems } from "./coordinate-systems.js";
import { dialectNameSchema } from "./dialect-names.js";
import { searchConfigSchema } from "./search-config.js";
import { serverConfigSchema } from "./server-config.js";

/**
 * One schema for everything a user configures. The same shape comes from a config file
 * (loupe.config.json), environment variables and CLI flags, merged in that order of precedence
 * (flags win); see apps/cli/load-config.ts.
 */
/** A registered dialect's name (core/dialect-names.ts); `loupe dialects` lists them. */
export type DialectName = string;

export const modelConfigSchema = z.strictObject({
  baseUrl: httpUrl(),
  apiKey: headerSecret().optional(),
  name: z.string().min(1),
  temperature: numberBetween({ min: 0, max: 2 }).optional(),
  topP: numberBetween({ min: 0, minExclusive: true, max: 1 }).optional(),
  maxTokens: count().optional(),
  /** Extra request body fields, passed through as-is (vLLM's top_k, chat_template_kwargs, ...). */
  extraBody: z.record(z.string(), z.unknown()).default({}),
  stream: z.boolean().default(true),
  /** Per-request timeout, including the whole streamed response. */
  timeoutMs: milliseconds().default(300_000),
  maxRetries: count({ min: 0 }).default(4),
  /**
   * How long a streamed reply may go without a byte (the first one included) before the attempt is
   * given up and retried; distinct from timeoutMs, which bounds the whole reply. Without streaming
   * it bounds the body once the headers are in (the server sends nothing while it generates).
   */
  idleTimeoutMs: milliseconds().default(60_000),
  /**
   * Most characters one reply may carry (content + reasoning + tool names and arguments); past it
   * the request is stopped and the turn fails. Also bounded by maxTokens × 32 when that is set.
   */
  maxReplyChars: count().default(1_000_000),
  /** Images as `data` URLs (works everywhere) or by their original `url` when they have one. */
  imageTransport: z.enum(["data-url", "url"]).default("data-url"),
  /**
   * `turn`: the server returns one model turn and Loupe runs the tools. `transcript`: the server
   * runs the whole agent loop itself and returns it as one text (Skywork's hosted R1V4 API).
   */
  response: z.enum(["turn", "transcript"]).default("turn"),
});
export type ModelConfig = z.infer<typeof modelConfigSchema>;

export const budgetsSchema = z.strictObject({
  maxSteps: count().default(12),
  maxToolCalls: count().default(24),
  /** Prompt + completion tokens over the whole run. */
  maxTokens: count().default(400_000),
  maxWallMs: milliseconds().default(600_000),
  /** How many times the same action (tool + arguments) may run before the guard stops it. */
  maxRepeats: count().default(2),
  /** US dollars the run's tokens may cost, at the model's price (modelPrices, or Loupe's approximate list). */
  maxCostUsd: numberBetween({ min: 0, minExclusive: true, max: 1_000_000 }).optional(),
});
export type Budgets = z.infer<typeof budgetsSchema>;

export const imageConfigSchema = z.strictObject({
  /** Inputs and produced images above this many pixels are refused (decompression bombs); 100 MP
   * admits every real camera photo and any 8K frame. */
  maxInputPixels: count().default(100_000_000),
  /** Read whole into memory, so at most what Node reads into one buffer (2 GiB). */
  maxInputBytes: bytes({ max: maxBufferBytes }).default(64 * 1024 * 1024),
  /** Fetching an input image URL, connection, headers and body together. */
  fetchTimeoutMs: milliseconds().default(30_000),
  /** How images are sized for the model; tools always work on the full-resolution original. */
  modelView: z
    .strictObject({
      strategy: z.enum(["smart-resize", "max-pixels", "original"]).default("smart-resize"),
      factor: count().default(28),
      minPixels: count().default(4 * 28 * 28),
      maxPixels: count().default(1280 * 28 * 28),
      format: z.enum(["jpeg", "png", "webp"]).default("jpeg"),
      quality: count({ max: 100 }).default(90),
    })
    // A minimum above the maximum would upscale every image past the size the model should see.
    .refine((view) => view.minPixels <= view.maxPixels, {
      path: ["minPixels"],
      error: "must be at most images.modelView.maxPixels",
    })
    .default({
      strategy: "smart-resize",
      factor: 28,
      minPixels: 4 * 28 * 28,
      maxPixels: 1280 * 28 * 28,
      format: "jpeg",
      quality: 90,
    }),
});
export type ImageConfig = z.infer<typeof imageConfigSchema>;

/** The Python sandbox: which binaries, and limits that override the defaults (src/sandbox). */
export const sandboxConfigSchema = z.strictObject({
  pythonPath: z.string().min(1).optional(),
  bwrapPath: z.string().min(1).optional(),
  limits: z
    .strictObject({
      /** The host's timer kills a call past it. */
      wallSecondsPerCall: timerSeconds(),
      /** Kernel rlimits: whole seconds, whole bytes, whole processes. */
      cpuSecondsPerCall: wholeSeconds(),
      cpuSecondsPerSession: wholeSeconds(),
      memoryBytes: bytes(),
      /** Memory of the whole session (PSS of its processes, summed by the host's watch). */
      sessionMemoryBytes: bytes(),
      processes: count(),
      fileSizeBytes: bytes(),
      workDiskBytes: bytes(),
      tmpDiskBytes: bytes(),
      shmDiskBytes: bytes(),
      threads: count(),
      maxOutputChars: count(),
      maxImages: count(),
      maxImagePixels: count(),
      /** Read into the host's memory: at most one buffer. */
      maxImageBytes: bytes({ max: maxBufferBytes }),
    })
    .partial()
    .default({}),
});
export type SandboxConfig = z.infer<typeof sandboxConfigSchema>;

/**
 * How a dialect's model writes and reads, where models of one dialect differ. Profiles set these
 * to what a model was trained under; every one can be overridden in the config file.
 */
export const dialectOptionsSchema = z.strictObject({
  /** Re-indent the model's code as DeepEyesV2's runtime does before running it. */
  reindentCode: z.boolean().default(false),
  /** The coordinate space of the boxes the model writes; Loupe maps them onto the original's pixels. */
  boxCoordinates: z.enum(coordinateSystems).default("pixel"),
  /**
   * Box checks before a zoom: `deepeyes-rl` refuses a box with a side of 30 px or less after
   * clamping (DeepEyes' RL tool); `none` checks nothing beyond what a crop needs (its eval scripts).
   */
  boxRules: z.enum(["none", "deepeyes-rl"]).default("none"),
  /** Which action runs when a turn holds several of one kind: DeepEyes and DeepEyesV2 take the last in RL, the first in eval. */
  actionChoice: z.enum(["first", "last"]).default("last"),
  /** What image_N is in Python: the image as the model saw it (`view`) or the full-size original. */
  pythonImages: z.enum(["original", "view"]).default("original"),
  /** Leave images whose every value is 250 or more out of code results (DeepEyesV2's eval). */
  dropBlankImages: z.boolean().default(false),
  /** Crops come back at their own size (`none`) or enlarged when small (`auto`). */
  cropZoom: z.enum(["auto", "none"]).default("auto"),
  /** At most this many calls of a tool in one run (MMSearch-R1: one image search, two text searches). */
  toolCallLimits: z.record(z.string(), count()).default({}),
  /** Stop sequences that replace the dialect's own. */
  stopSequences: z.array(z.string().min(1)).optional(),
});
export type DialectOptions = z.infer<typeof dialectOptionsSchema>;

/** A model's price in US dollars per million tokens (agent/model-prices.ts), for budgets.maxCostUsd. */
export const modelPriceSchema = z.strictObject({
  inputPerMillionTokens: numberBetween({ min: 0, max: 1_000_000 }),
  outputPerMillionTokens: numberBetween({ min: 0, max: 1_000_000 }),
  cachedInputPerMillionTokens: numberBetween({ min: 0, max: 1_000_000 }).optional(),
});

/**
 * Calls that wait for the user before they run: the run pauses (stop reason "paused") and
 * `loupe resume DIR --approve ID` or `--reject ID` goes on.
 */
export const approvalConfigSchema = z.strictObject({
  /** Every call of these tools needs approval. */
  tools: z.array(z.string().min(1)).default([]),
  /** A web_visit of a host no earlier call of the run visited needs approval. */
  webVisitNewDomains: z.boolean().default(false),
});
export type ApprovalConfig = z.infer<typeof approvalConfigSchema>;

/**
 * Model settings of the plan mode's planner, laid over the run's own model (`model`): a planner
 * may be another model on another server (Skywork's hosted `skywork/r1v4-vl-planner-lite`).
 */
export const plannerModelSchema = z.strictObject({
  baseUrl: httpUrl().optional(),
  apiKey: headerSecret().optional(),
  name: z.string().min(1).optional(),
  temperature: numberBetween({ min: 0, max: 2 }).optional(),
  topP: numberBetween({ min: 0, minExclusive: true, max: 1 }).optional(),
  maxTokens: count().optional(),
  extraBody: z.record(z.string(), z.unknown()).optional(),
  stream: z.boolean().optional(),
  timeoutMs: milliseconds().optional(),
  maxRetries: count({ min: 0 }).optional(),
});

/** Plan mode (`--mode plan`, `loupe plan`): the planner, its format and the executor's bounds. */
export const planConfigSchema = z.strictObject({
  planner: plannerModelSchema.default({}),
  /** `r1v4`: the R1V4 planner's JSON array, read tolerantly. `json-schema`: the server's structured output (response_format). */
  format: z.enum(["r1v4", "json-schema"]).default("r1v4"),
  /** A file whose text replaces the planner's system prompt ({{tools}} is replaced by the tool list). */
  promptFile: z.string().min(1).optional(),
  /** Most steps a plan may have. */
  maxSteps: count({ max: 50 }).default(10),
  /** How often the planner is asked to fix a plan that fails validation. */
  maxFixes: count({ min: 0, max: 10 }).default(2),
  /** How often a failed or empty step makes the planner revise the rest of the plan. */
  maxReplans: count({ min: 0, max: 10 }).default(2),
  /** Steps run at once when they do not depend on each other. */
  concurrency: count({ max: 32 }).default(4),
});
export type PlanConfig = z.infer<typeof planConfigSchema>;

/** Research mode (`--mode research`): sub-questions, their agents' budgets, rounds. */
export const researchConfigSchema = z.strictObject({
  /** Most sub-questions one decomposition may give. */
  maxSubQuestions: count({ max: 20 }).default(4),
  /** Sub-agents running at once. */
  concurrency: count({ max: 16 }).default(2),
  /** Rounds of sub-agents: the first, then follow-ups while the evidence does not answer the question. */
  maxRounds: count({ max: 5 }).default(2),
  /** Each sub-agent's budgets, under the run's own (which bound the whole research). */
  subAgentBudgets: z
    .strictObject({
      maxSteps: count().optional(),
      maxToolCalls: count().optional(),
      maxTokens: count().optional(),
      maxWallMs: milliseconds().optional(),
    })
    .default({ maxSteps: 6, maxToolCalls: 8 }),
  /** Characters of one piece of evidence shown to the report writer. */
  evidenceChars: count({ max: 100_000 }).default(1_200),
  /** After the deterministic citation check, ask the model about each flagged sentence that cites stored evidence. */
  modelCheck: z.boolean().default(false),
});
export type ResearchConfig = z.infer<typeof researchConfigSchema>;

export const loupeConfigSchema = z.strictObject({
  model: modelConfigSchema,
  /** Checked against the registered dialects when the config is parsed; a registered one is accepted. */
  dialect: dialectNameSchema().default("native"),
  /** Tool names to enable; the dialect's defaults when absent. */
  tools: z.array(z.string()).optional(),
  budgets: budgetsSchema.default(budgetsSchema.parse({})),
  images: imageConfigSchema.default(imageConfigSchema.parse({})),
  search: searchConfigSchema.default(() => searchConfigSchema.parse({})),
  sandbox: sandboxConfigSchema.default(() => sandboxConfigSchema.parse({})),
  /** A named model profile (`loupe dialects` lists them): what the model was trained under. */
  profile: z.string().min(1).optional(),
  dialectOptions: dialectOptionsSchema.default(() => dialectOptionsSchema.parse({})),
  /**
   * A registered prompt pack's name, or a prompt pack file (YAML or JSON): the texts the model
   * reads besides the question and results.
   */
  promptPackFile: z.string().min(1).optional(),
  /** A file whose text replaces the dialect's default system prompt. */
  systemPromptFile: z.string().optional(),
  /** Prices by model name, replacing Loupe's approximate ones by name (budgets.maxCostUsd). */
  modelPrices: z.record(z.string(), modelPriceSchema).default({}),
  approval: approvalConfigSchema.default({ tools: [], webVisitNewDomains: false }),
  plan: planConfigSchema.default(() => planConfigSchema.parse({})),
  research: researchConfigSchema.default(() => researchConfigSchema.parse({})),
  /**
   * Where `loupe ask` records runs besides their folder: a SQLite file path, a postgres:// URL,
   * or "none". The default is $LOUPE_HOME/loupe.db (store/open-run-store.ts).
   */
  store: z.string().min(1).optional(),
  /** `loupe serve` (core/server-config.ts). */
  server: serverConfigSchema.default(() => serverConfigSchema.parse({})),
});
export type LoupeConfig = z.infer<typeof loupeConfigSchema>;

/** Turns a zod failure into one line per bad field, naming the field. */
export function formatConfigIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`).join("\n");
}
