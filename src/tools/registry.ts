import type { LoupeConfig } from "../core/config.js";
import { LoupeError } from "../core/errors.js";
import type { AnyTool } from "../core/tool.js";
import { imageTools } from "./image/index.js";
import { pythonTool } from "./python/index.js";

/** Every tool Loupe has, configured for this run. */
export async function allTools(config: LoupeConfig): Promise<AnyTool[]> {
  return [...imageTools(config.images), pythonTool()];
}

/**
 * The tools a run enables, by name. Unknown names, and names the dialect cannot express, are
 * configuration errors that list what is possible.
 */
export async function selectTools(
  config: LoupeConfig,
  names: readonly string[],
  dialect: { name: string; supportedTools: readonly string[] },
): Promise<AnyTool[]> {
  const tools = await allTools(config);
  const byName = new Map(tools.map((tool) => [tool.name, tool]));
  const selected: AnyTool[] = [];
  for (const name of names) {
    const tool = byName.get(name);
    if (!tool) {
      throw new LoupeError("config", `Unknown tool "${name}". Available tools: ${[...byName.keys()].join(", ")}.`);
    }
    if (!dialect.supportedTools.includes(name)) {
      throw new LoupeError(
        "config",
        `The ${dialect.name} dialect cannot express the "${name}" tool. It supports: ${dialect.supportedTools.join(", ")}.`,
      );
    }
    selected.push(tool);
  }
  return selected;
}
