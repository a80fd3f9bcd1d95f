import type { z } from "zod";
import type { DialectOptions, ImageConfig } from "./config.js";
import type { ImageSet } from "./image-set.js";
import type { ImageFacts, ImageRef } from "./images.js";
import type { TokenUsage } from "./model-output.js";
import type { ToolOutputData } from "./tool-output.js";

/** What a tool hands back: text for the model, images it produced, structured data for dialects. */
export interface ToolResult {
  text: string;
  images: ImageRef[];
  data?: ToolOutputData;
  /** The call failed in a way the model should read about and can recover from. */
  isError?: boolean;
}

/** How a run shows images to its model, which tools that read the model's boxes or hand it pixels follow. */
export interface RunImageView {
  /** The size and format each image is sent to the model at: `view` coordinates are its pixels. */
  modelView: ImageConfig["modelView"];
  /** What image_N is in Python: the image as the model saw it, or the full-size original. */
  pythonImages: DialectOptions["pythonImages"];
  /** Mark produced images that are all but white (costs a decode), for dialects that drop them. */
  markNearlyWhite?: boolean;
}

/** Per-call context. Tools touch the run only through it. */
export interface ToolContext {
  /** How this run's model sees images. */
  view: RunImageView;
  images: ImageSet;
  /** Adds a produced image to the run with its provenance filled in (tool, call, step). */
  addImage(
    bytes: Uint8Array,
    facts: ImageFacts,
    origin: { operation: string; parameters: Record<string, unknown>; parent?: string },
  ): ImageRef;
  signal: AbortSignal;
  callId: string;
  step: number;
  /** The user's question, for tools that focus on it (page summaries). */
  question: string;
  /** A per-run scratch map for tools that keep state across calls (a Python session, caches). */
  state: Map<string, unknown>;
  /**
   * Tells the run about model tokens this call spent outside the run's own turns (web_visit's page
   * summaries): they count toward this run's token budget and budgetsUsed, and no other run's.
   */
  reportUsage(usage: TokenUsage): void;
}

/** What a tool works on, so a dialect can name its default tools without knowing their names. */
export type ToolKind = "image" | "code" | "web";

/**
 * A tool is a name, a zod schema for its arguments, and an execute function. Tools know nothing
 * of dialects: dialects translate their model's action syntax into these arguments.
 */
export interface Tool<Args = unknown> {
  name: string;
  description: string;
  parameters: z.ZodType<Args>;
  execute(args: Args, context: ToolContext): Promise<ToolResult>;
  kind?: ToolKind;
  /**
   * How a successful result is shown to a model whose dialect has no format of its own for this
   * tool (native function calling, ARTIST's `<tool>`); `result.text` when absent.
   */
  render?(result: ToolResult): string;
  /** Called once when the run ends (release sessions, temporary files). */
  dispose?(state: Map<string, unknown>): Promise<void> | void;
  /**
   * Called once when a resumed run starts, with this tool's calls that finished before it was
   * interrupted, in order, so a stateful tool can rebuild its state (Python re-runs its cells).
   */
  restore?(calls: readonly RecordedToolCall[], state: Map<string, unknown>): void;
}

/** A finished call of a tool as its trajectory records it. */
export interface RecordedToolCall {
  arguments: unknown;
  text: string;
  data?: unknown;
  isError: boolean;
}

// biome-ignore lint/suspicious/noExplicitAny: a registry holds tools of every argument type.
export type AnyTool = Tool<any>;
