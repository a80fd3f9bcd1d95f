import type { LoupeConfig } from "../core/config.js";
import { LoupeError } from "../core/errors.js";
import { Registry } from "../core/registry.js";
import type { AnyTool, ToolKind } from "../core/tool.js";
import type { SandboxPool } from "../sandbox/sandbox-pool.js";
import type { SearchServices } from "../search/search-services.js";
import type { PageSummarizer } from "./search/search-tool-options.js";

/** What a toolbox hands each tool factory: the config and the parts its tools share. */
export interface ToolParts {
  config: LoupeConfig;
  /** The toolbox's sandbox pool: warm Python sessions and a concurrency limit its runs share. */
  sandbox: SandboxPool;
  /** The toolbox's search services (cache, rate limits, backends), opened on first use. */
  search: SearchServices;
  /** Writes web_visit's page summaries when search.webVisit.summarize is on. */
  summarizer?: PageSummarizer;
}

export type ToolFactory = (parts: ToolParts) => AnyTool;

/** A tool made per toolbox from its parts; `name` is the name the factory's tool carries. */
export interface ToolRegistration {
  name: string;
  /** Set on the made tool when it has none: dialects pick default tools by kind. */
  kind?: ToolKind;
  create: ToolFactory;
}

const toolRegistry = new Registry<ToolRegistration>("tool");

/**
 * Adds a tool every toolbox made from then on offers: a ready tool (its state belongs in
 * ToolContext.state, since runs share it), or a registration whose factory gets the toolbox's
 * config, sandbox pool and search services. Dialects that carry any tool (native, ARTIST) can
 * call it at once; `--tools NAME` or `tools` in the config enables it.
 */
export function registerTool(tool: AnyTool | ToolRegistration, options: { replace?: boolean } = {}): void {
  const registration: ToolRegistration =
    "create" in tool ? tool : { name: tool.name, kind: tool.kind, create: () => tool };
  toolRegistry.register(registration.name, registration, options);
}

export function registeredToolNames(): string[] {
  return toolRegistry.names();
}

/** Every registered tool made for one toolbox, in registration order. */
export function createRegisteredTools(parts: ToolParts): AnyTool[] {
  return toolRegistry.entries().map(([name, registration]) => {
    const tool = registration.create(parts);
    if (tool.name !== name) {
      throw new LoupeError(
        "config",
        `The tool registered as "${name}" made a tool named "${tool.name}"; the names must match.`,
      );
    }
    return registration.kind && !tool.kind ? { ...tool, kind: registration.kind } : tool;
  });
}
