import type { DialectName, DialectOptions } from "../core/config.js";
import type { ImageSet } from "../core/image-set.js";
import type { ImageRef } from "../core/images.js";
import type { FunctionToolSpec, Message } from "../core/messages.js";
import type { ModelOutput } from "../core/model-output.js";
import type { AnyTool, ToolKind, ToolResult } from "../core/tool.js";
import type { PromptPack } from "./prompt-pack.js";

/** A parsed action, already translated into a Loupe tool name and that tool's argument shape. */
export interface ToolCallRequest {
  id: string;
  name: string;
  arguments: unknown;
  /** The text the model wrote for this action. */
  raw: string;
}

/** An action the parser recognised as an attempt but could not read; the model gets `message`. */
export interface ActionError {
  id: string;
  message: string;
  raw: string;
  /** The tool the model seemed to call, when that much was readable. */
  name?: string;
}

export interface ParsedTurn {
  reasoning?: string;
  calls: ToolCallRequest[];
  errors: ActionError[];
  /** The final answer, when the turn gave one. */
  answer?: string;
}

/** One call (or unreadable action) and what came of it, in the order the model wrote them. */
export interface ToolCallOutcome {
  id: string;
  name: string;
  result: ToolResult;
}

export interface DialectContext {
  /** Tools enabled for this run. */
  tools: readonly AnyTool[];
  images: ImageSet;
  question: string;
  /** Multiple-choice options, when the question has them (benchmarks); lettered A, B, ... */
  choices?: readonly string[];
  /** The size the model is shown an image at (what `view` boxes are pixels of); the agent supplies it. */
  viewSize?(image: ImageRef): { width: number; height: number };
}

/** How a dialect is set up for a run: its profile's options and the user's prompt pack. */
export interface DialectSettings {
  options?: DialectOptions;
  pack?: PromptPack;
}

export interface DialectRequestOptions {
  stop?: string[];
  tools?: FunctionToolSpec[];
  parallelToolCalls?: boolean;
}

/**
 * How one model family expresses actions and receives observations. A dialect never runs a tool
 * and never talks to a server: it builds prompts, reads model output, and formats observations.
 */
export interface Dialect {
  readonly name: DialectName;
  /**
   * Loupe tool names this dialect can express, in its own prompt's order; "any" for a dialect
   * whose grammar carries any tool's name and JSON arguments (native, ARTIST's `<tool>`), which
   * then expresses every registered tool too.
   */
  readonly supportedTools: readonly string[] | "any";
  /** Tools enabled when the user names none: by name, or every available tool of these kinds. */
  readonly defaultTools: readonly string[] | { kinds: readonly ToolKind[] };
  /** The texts the model reads besides the question and results: Loupe's wording under the user's pack. */
  readonly pack: PromptPack;
  systemPrompt(context: DialectContext): string | undefined;
  requestOptions(context: DialectContext): DialectRequestOptions;
  /** The first user turn: the question (and options) with the input images where the model expects them. */
  userTurn(context: DialectContext, images: readonly ImageRef[]): Message;
  parse(output: ModelOutput, context: DialectContext): ParsedTurn;
  /** The assistant message appended to the conversation for this output. */
  assistantMessage(output: ModelOutput): Message;
  /** Messages that show the model what its calls returned (text and images). */
  observations(outcomes: readonly ToolCallOutcome[], context: DialectContext): Message[];
  /** The turn that asks for a final answer when a budget has run out. */
  finalAnswerRequest(reason: string, context: DialectContext): Message;
}
