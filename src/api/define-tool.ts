import type { z } from "zod";
import type { Tool, ToolContext, ToolResult } from "../core/tool.js";

/** What a tool written with `defineTool` may return: a full result, or just the text for the model. */
export type ToolReturn = ToolResult | string;

/** A tool as `defineTool` takes it: the arguments' type is read from the zod schema. */
export interface ToolDefinition<Schema extends z.ZodType> {
  /** The name the model calls it by (native function calling uses it as the function name). */
  name: string;
  /** What it does, for the model. */
  description: string;
  /** Its arguments; the model's arguments are checked against it before `execute` runs. */
  parameters: Schema;
  execute(args: z.output<Schema>, context: ToolContext): ToolReturn | Promise<ToolReturn>;
  /** Called once when the run ends, with the run's scratch map (release what the tool opened). */
  dispose?(state: Map<string, unknown>): Promise<void> | void;
}

/**
 * A tool for `runAgent`, with its argument type inferred from its zod schema, so `execute` is
 * typed without writing the type twice. A string result is the text the model reads.
 */
export function defineTool<Schema extends z.ZodType>(
  definition: ToolDefinition<Schema>,
): Tool<z.output<Schema>> {
  return {
    name: definition.name,
    description: definition.description,
    parameters: definition.parameters as z.ZodType<z.output<Schema>>,
    execute: async (args, context) => toolResult(await definition.execute(args, context)),
    ...(definition.dispose ? { dispose: (state) => definition.dispose?.(state) } : {}),
  };
}

function toolResult(value: ToolReturn): ToolResult {
  return typeof value === "string" ? { text: value, images: [] } : value;
}
