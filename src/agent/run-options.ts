import type { LoupeConfig } from "../core/config.js";
import type { RunEventListener } from "../core/events.js";
import type { ImageSet } from "../core/image-set.js";
import type { ImageFacts } from "../core/images.js";
import type { RunCheckpointStore } from "../core/run-checkpoint.js";
import type { AnyTool } from "../core/tool.js";
import type { Trajectory } from "../core/trajectory.js";
import type { Dialect } from "../dialects/dialect.js";
import type { ChatModel } from "./chat-model.js";
import type { StopCondition } from "./stop-conditions.js";
import type { NeedsApproval } from "./tool-approval.js";

export interface AgentInputImage {
  bytes: Uint8Array;
  facts: ImageFacts;
  /** Path or URL the image came from, kept in its provenance. */
  source: string;
}

export interface RunAgentOptions {
  question: string;
  /** Multiple-choice options (A, B, ... in order), which dialects that show options put in the first turn. */
  choices?: readonly string[];
  images: AgentInputImage[];
  config: LoupeConfig;
  model: ChatModel;
  dialect: Dialect;
  tools: AnyTool[];
  /** Replaces the dialect's default system prompt (e.g. the text a model was trained on). */
  systemPrompt?: string;
  signal?: AbortSignal;
  onEvent?: RunEventListener;
  runId?: string;
  /** The set the run's images go into; pass one to read produced images while the run goes on. */
  imageSet?: ImageSet;
  /**
   * Called with the trajectory so far when the run starts and after every step, awaited before the
   * next step: write it to disk so a run killed from outside (SIGKILL, a crash, a power cut) leaves
   * its last finished step. Stop reason "cancelled" with error "incomplete": if this is the last
   * one written, the run never finished.
   */
  onCheckpoint?: (trajectory: Trajectory) => void | Promise<void>;
  /**
   * Where checkpoints are saved besides `onCheckpoint`: after every step and every finished tool
   * call, with the run's images, ready for `resumeRun` (store/checkpoint-folder.ts keeps them in
   * the trajectory folder).
   */
  checkpointStore?: RunCheckpointStore;
  /**
   * Stop conditions added to the config's budgets (stop-conditions.ts: stepCountIs, costIs,
   * toolCalled, anyOf, or your own), checked before every step: the first verdict ends the run
   * with the final-answer turn.
   */
  stopWhen?: StopCondition | readonly StopCondition[];
  /**
   * Calls that wait for the user, besides the config's `approval` rules: the run then pauses
   * (stop reason "paused") before running the step's calls; `resumeRun` with decisions goes on.
   */
  needsApproval?: NeedsApproval;
}

export interface RunResult {
  trajectory: Trajectory;
  /** The run's images with their bytes, to write beside the trajectory. */
  images: ImageSet;
}
