/**
 * Loupe as a library: `import { ask } from "loupe"`. This file is the whole public surface; what
 * it does not export is internal and may change in any release. Scripted model servers for tests
 * are in `loupe/testing`.
 *
 * - `ask` / `streamAsk`: one question about images, with config resolved as `loupe ask` does.
 * - `runAgent`: the loop itself, for your own model client (`ChatModel`) or tools (`defineTool`).
 *
 * @packageDocumentation
 * @module loupe
 */

export type { ChatModel, ChatModelRequest } from "./agent/chat-model.js";
export { type AgentInputImage, type RunAgentOptions, type RunResult, runAgent } from "./agent/run-agent.js";
// The high-level calls.
export {
  type AskConfig,
  type AskOptions,
  type AskResult,
  ask,
  type BudgetsInput,
  type ModelInput,
} from "./api/ask.js";
// The loop, for your own model client or tools.
export { defineTool, type ToolDefinition, type ToolReturn } from "./api/define-tool.js";
export { type ImageInput, type LoadImageOptions, loadImage, loadImages } from "./api/input-images.js";
export { type LoupeConfigInput, type ResolveConfigOptions, resolveConfig } from "./api/resolve-config.js";
export { createRunParts, type RunParts, type RunPartsOptions } from "./api/run-parts.js";
export { toServerSentEvents } from "./api/server-sent-events.js";
export { type AskStream, streamAsk } from "./api/stream-ask.js";
// Configuration, dialects and profiles.
export {
  type Budgets,
  type DialectName,
  type DialectOptions,
  type ImageConfig,
  type LoupeConfig,
  loupeConfigSchema,
  type ModelConfig,
} from "./core/config.js";
// What a run is made of and produces.
export { registeredDialectNames } from "./core/dialect-names.js";
export { describeError, isLoupeError, LoupeError, type LoupeErrorCode } from "./core/errors.js";
export type { RunEvent, RunEventListener } from "./core/events.js";
export { ImageSet } from "./core/image-set.js";
export type { ImageFacts, ImageProvenance, ImageRef } from "./core/images.js";
export type { ContentPart, FunctionToolSpec, Message, NativeToolCall } from "./core/messages.js";
export type { CitationCheck, Evidence, PlanRecord, ResearchRecord } from "./core/mode-records.js";
export type { FinishReason, ModelOutput, TokenUsage } from "./core/model-output.js";
export type { RunCheckpoint, RunCheckpointStore } from "./core/run-checkpoint.js";
export type { RunFilter, RunStore, RunSummary } from "./core/run-store.js";
export type { AnyTool, RunImageView, Tool, ToolContext, ToolResult } from "./core/tool.js";
export type {
  ImageMatchKind,
  ImageSearchHit,
  PageVisit,
  TextSearchHit,
  ToolOutputData,
} from "./core/tool-output.js";
export {
  type StepRecord,
  type StopReason,
  stopReasons,
  TRAJECTORY_VERSION,
  type Trajectory,
  trajectorySchema,
} from "./core/trajectory.js";
export type {
  ActionError,
  Dialect,
  DialectContext,
  DialectRequestOptions,
  DialectSettings,
  ParsedTurn,
  ToolCallOutcome,
  ToolCallRequest,
} from "./dialects/dialect.js";
export {
  findProfile,
  type ModelProfile,
  type ProfileSettings,
  profilesOf,
  registeredProfiles,
  registerProfile,
} from "./dialects/profiles.js";
export { type PromptPack, parsePromptPack, promptPackSchema } from "./dialects/prompt-pack.js";
export { findPromptPack, registerPromptPack } from "./dialects/prompt-pack-registry.js";
export { getDialect, listDialects, registerDialect } from "./dialects/registry.js";
// Benchmarks: their items, and scoring as the benchmarks' own code does.
export type { BenchmarkDefinition, LoadOptions } from "./eval/benchmark.js";
export { benchmarkList, loadBenchmark, registerBenchmark } from "./eval/benchmarks.js";
export type { EvalImage, EvalItem, ItemScore, JudgeCall } from "./eval/eval-item.js";
export { type ScoreOptions, type ScoreReport, scorePredictions } from "./eval/score-predictions.js";
export type { LoadedImage } from "./images/load-image.js";
export { ChatClient, type ChatClientOptions, type ChatRequest } from "./models/chat-client.js";
export { plainMessages, SerializedMessages } from "./models/serialized-messages.js";
export { type AskMode, askModes, isAskMode } from "./modes/mode-names.js";
export { type PlanParseResult, parsePlan } from "./modes/plan/parse-plan.js";
export type { Plan, PlanStep, PlanStepInput } from "./modes/plan/plan-format.js";
export { type RunPlanOptions, runPlan } from "./modes/plan/run-plan.js";
export { type PlanCheck, type PlanRules, validatePlan } from "./modes/plan/validate-plan.js";
export { runResearch } from "./modes/research/run-research.js";
export { verifyReport } from "./modes/research/verify-citations.js";
export { runMode } from "./modes/run-mode.js";
export type { ReadPage, SearchBackend } from "./search/backend.js";
export {
  registeredSearchBackendNames,
  registerSearchBackend,
  type SearchBackendContext,
  type SearchBackendFactory,
} from "./search/backend-registry.js";
export { openRunStore } from "./store/open-run-store.js";
export { readTrajectory, TrajectoryFolder } from "./store/trajectory-folder.js";
export { createToolbox, selectTools, type Toolbox, type ToolboxOptions } from "./tools/registry.js";
export type { PageSummarizer, PageSummary } from "./tools/search/search-tool-options.js";
export {
  registerTool,
  type ToolFactory,
  type ToolParts,
  type ToolRegistration,
} from "./tools/tool-registry.js";
