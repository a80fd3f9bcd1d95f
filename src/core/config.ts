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
import { searchConfigSchema } from "./search-config.js";

/**
 * One schema for everything a user configures. The same shape comes from a config file
 * (loupe.config.json), environment variables and CLI flags, merged in that order of precedence
 * (flags win); see apps/cli/load-config.ts.
 */
export const dialectNames = [
  "native",
  "skywork-r1v4",
  "deepeyes-v2",
  "deepeyes",
  "mmsearch-r1",
  "artist",
] as const;
export type DialectName = (typeof dialectNames)[number];

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
      processes: count(),
      fileSizeBytes: bytes(),
      workDiskBytes: bytes(),
      tmpDiskBytes: bytes(),
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

export const loupeConfigSchema = z.strictObject({
  model: modelConfigSchema,
  dialect: z.enum(dialectNames).default("native"),
  /** Tool names to enable; the dialect's defaults when absent. */
  tools: z.array(z.string()).optional(),
  budgets: budgetsSchema.default(budgetsSchema.parse({})),
  images: imageConfigSchema.default(imageConfigSchema.parse({})),
  search: searchConfigSchema.default(() => searchConfigSchema.parse({})),
  sandbox: sandboxConfigSchema.default(() => sandboxConfigSchema.parse({})),
  dialectOptions: z
    .strictObject({
      /** DeepEyesV2: re-indent the model's code as its upstream runtime does before running it. */
      reindentCode: z.boolean().default(false),
    })
    .default({ reindentCode: false }),
  /** A file whose text replaces the dialect's default system prompt. */
  systemPromptFile: z.string().optional(),
});
export type LoupeConfig = z.infer<typeof loupeConfigSchema>;

/** Turns a zod failure into one line per bad field, naming the field. */
export function formatConfigIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`).join("\n");
}
