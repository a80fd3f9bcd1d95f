import { z } from "zod";
import { planRecordSchema, researchRecordSchema } from "./mode-records.js";

/**
 * The trajectory: a lossless, versioned JSON record of a run. Images are stored by hash (the
 * `images` table here; bytes in files beside the JSON). Bump TRAJECTORY_VERSION on any change
 * that an older reader would misread, and keep a reader for older versions.
 */
export const TRAJECTORY_VERSION = 1;

export const stopReasons = [
  "answer",
  "no-action",
  "budget-steps",
  "budget-tool-calls",
  "budget-tokens",
  "budget-time",
  "repeated-action",
  /** budgets.maxCostUsd: the tokens' price (agent/model-prices.ts) reached it. */
  "budget-cost",
  /** A stop condition the caller wrote (RunAgentOptions.stopWhen); stopDescription says which. */
  "stop-condition",
  /** Calls wait for the user's approval; resume the run with a decision for each (resume.awaitingApproval). */
  "paused",
  "cancelled",
  "error",
] as const;
export type StopReason = (typeof stopReasons)[number];

const usageSchema = z.object({
  promptTokens: z.number(),
  completionTokens: z.number(),
  cachedPromptTokens: z.number().optional(),
});

const provenanceSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("input"), source: z.string() }),
  z.object({
    kind: z.literal("tool"),
    tool: z.string(),
    operation: z.string(),
    parameters: z.record(z.string(), z.unknown()),
    parent: z.string().optional(),
    callId: z.string(),
    step: z.number(),
  }),
]);

export const imageRecordSchema = z.object({
  id: z.string(),
  label: z.string(),
  mime: z.string(),
  width: z.number(),
  height: z.number(),
  byteLength: z.number(),
  provenance: provenanceSchema,
  nearlyWhite: z.boolean().optional(),
  /** Path of the bytes relative to the trajectory file, when written to disk. */
  file: z.string().optional(),
});
export type ImageRecord = z.infer<typeof imageRecordSchema>;

const contentPartSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("text"), text: z.string() }),
  z.object({ type: z.literal("image"), imageId: z.string() }),
]);

const nativeToolCallSchema = z.object({ id: z.string(), name: z.string(), arguments: z.string() });

export const messageSchema = z.discriminatedUnion("role", [
  z.object({ role: z.literal("system"), content: z.string() }),
  z.object({ role: z.literal("user"), content: z.array(contentPartSchema) }),
  z.object({
    role: z.literal("assistant"),
    content: z.string(),
    reasoning: z.string().optional(),
    toolCalls: z.array(nativeToolCallSchema).optional(),
  }),
  z.object({ role: z.literal("tool"), toolCallId: z.string(), content: z.string() }),
]);

const actionSchema = z.object({
  id: z.string(),
  tool: z.string(),
  arguments: z.unknown(),
  /** The text the model wrote for this action, as parsed. */
  raw: z.string(),
});

const observationSchema = z.object({
  callId: z.string(),
  tool: z.string(),
  text: z.string(),
  images: z.array(z.string()),
  data: z.unknown().optional(),
  isError: z.boolean(),
  durationMs: z.number(),
});

export const stepSchema = z.object({
  index: z.number(),
  startedAt: z.string(),
  durationMs: z.number(),
  modelDurationMs: z.number(),
  output: z.object({
    content: z.string(),
    reasoning: z.string().optional(),
    toolCalls: z.array(nativeToolCallSchema),
    finishReason: z.string(),
  }),
  actions: z.array(actionSchema),
  /** Malformed actions the parser could not turn into calls; each got an error observation. */
  actionErrors: z.array(z.object({ id: z.string(), message: z.string(), raw: z.string() })),
  observations: z.array(observationSchema),
  usage: usageSchema,
  /** The model's final answer, when this step gave one. */
  answer: z.string().optional(),
});
export type StepRecord = z.infer<typeof stepSchema>;

/**
 * A step whose model turn is over but whose tool calls are not all done: kept in a checkpoint so a
 * resumed run neither asks the model again nor re-runs the calls that finished. Not in `steps`
 * until it is whole.
 */
export const stepInProgressSchema = stepSchema.omit({ durationMs: true, actionErrors: true }).extend({
  /** With the name of the tool the model seemed to call, which the observation needs. */
  actionErrors: z.array(
    z.object({ id: z.string(), message: z.string(), raw: z.string(), name: z.string().optional() }),
  ),
  /** Calls refused before any ran (a budget, the repeat guard, the user), with their observation text. */
  refusals: z.record(z.string(), z.string()),
});
export type StepInProgress = z.infer<typeof stepInProgressSchema>;

/**
 * What a resumed run needs besides the record itself: counters the steps do not spell out, and
 * the step in progress (in checkpoints and paused runs). See agent/resume-run.ts.
 */
export const resumeStateSchema = z.object({
  /** How many of `steps` and `messages` are settled: a run cancelled mid-step recorded more. */
  stepCount: z.number(),
  messageCount: z.number(),
  /** What the settled part spent: a resumed run's budgets go on from here. */
  spent: z.object({
    steps: z.number(),
    toolCalls: z.number(),
    usage: usageSchema,
    wallMs: z.number(),
    /** Tool calls that ran, by tool (per-tool limits). */
    callsByTool: z.record(z.string(), z.number()),
  }),
  /** The repeat guard's count of each action (tool + arguments) that ran or was refused. */
  repeats: z.array(z.tuple([z.string(), z.number()])),
  repeatRefusals: z.number(),
  stepInProgress: stepInProgressSchema.optional(),
  /** Ids of the step in progress' calls that wait for the user's approval (stop reason "paused"). */
  awaitingApproval: z.array(z.string()).optional(),
});
export type ResumeState = z.infer<typeof resumeStateSchema>;

export const trajectorySchema = z.object({
  version: z.literal(TRAJECTORY_VERSION),
  id: z.string(),
  createdAt: z.string(),
  question: z.string(),
  /** Multiple-choice options of the question, lettered A, B, ... */
  choices: z.array(z.string()).optional(),
  inputs: z.object({ images: z.array(z.string()) }),
  config: z.object({
    model: z.string(),
    baseUrl: z.string(),
    dialect: z.string(),
    tools: z.array(z.string()),
    sampling: z.record(z.string(), z.unknown()),
    budgets: z.record(z.string(), z.unknown()),
  }),
  images: z.array(imageRecordSchema),
  /** The exact conversation sent to the model, append-only, images by id. */
  messages: z.array(messageSchema),
  steps: z.array(stepSchema),
  answer: z.string().optional(),
  stopReason: z.enum(stopReasons),
  /** What the model was told when a stop condition ended the run ("web_search was called"). */
  stopDescription: z.string().optional(),
  /** Questions asked after an answer (`loupe resume --follow-up`), each after the step it follows. */
  followUps: z.array(z.object({ afterStep: z.number(), question: z.string() })).optional(),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
  budgetsUsed: z.object({
    steps: z.number(),
    toolCalls: z.number(),
    usage: usageSchema,
    wallMs: z.number(),
  }),
  /** What `loupe resume` needs to go on from here (absent in trajectories from before resuming). */
  resume: resumeStateSchema.optional(),
  /** How the question was answered (absent: interleaved, the agent loop); see modes/mode-names.ts. */
  mode: z.enum(["direct", "interleaved", "plan", "research"]).optional(),
  /** Plan mode: the plan, its revisions and how each step ran (the steps themselves are in `steps`). */
  plan: planRecordSchema.optional(),
  /** Research mode: sub-questions, the evidence store, the report and its citation checks. */
  research: researchRecordSchema.optional(),
});
export type Trajectory = z.infer<typeof trajectorySchema>;
