import type { LoupeConfig } from "../core/config.js";
import { LoupeError } from "../core/errors.js";
import type { AnyTool, ToolKind } from "../core/tool.js";
import { SandboxPool } from "../sandbox/sandbox-pool.js";
import { checkSearchBackendNames } from "../search/backend-registry.js";
import { createSearchServices, type SearchServices } from "../search/search-services.js";
// Loupe's own tools register themselves on import.
import "./builtin-tools.js";
import type { PageSummarizer } from "./search/index.js";
import { createRegisteredTools } from "./tool-registry.js";

export {
  registeredToolNames,
  registerTool,
  type ToolFactory,
  type ToolParts,
  type ToolRegistration,
} from "./tool-registry.js";

/** The tools of a run, and what must be released when the run (or the process) is done with them. */
export interface Toolbox {
  tools: AnyTool[];
  /** Starts in the background what the given tools need before their first call (a Python session). */
  warmUp?(names: readonly string[]): void;
  close(): Promise<void>;
}

export interface ToolboxOptions {
  /** Writes web_visit's page summaries when search.webVisit.summarize is on (needs a model). */
  summarizer?: PageSummarizer;
}

/**
 * Every registered tool (Loupe's and those added with registerTool), configured. Search services (cache database, local index) open lazily on
 * first use, so listing tools or running image-only questions touches no database.
 */
export function createToolbox(config: LoupeConfig, options: ToolboxOptions = {}): Toolbox {
  const search = lazySearchServices(config);
  // One sandbox pool per toolbox: its runs share warm Python sessions and concurrency limits.
  const pool = new SandboxPool(config.sandbox);
  return {
    tools: createRegisteredTools({
      config,
      sandbox: pool,
      search: search.services,
      summarizer: options.summarizer,
    }),
    warmUp: (names) => {
      if (names.includes("python")) pool.prewarm();
    },
    close: async () => {
      search.close();
      await pool.close();
    },
  };
}

/**
 * Narrows a toolbox to the tools a run enables, by name, and warms up what they need (a run with
 * Python gets a sandbox session starting in the background, ready by its first call). Unknown
 * names, and names the dialect cannot express, are configuration errors that list what is possible.
 */
export function selectTools(
  toolbox: Toolbox,
  names: readonly string[],
  dialect: ToolSelectingDialect,
): AnyTool[] {
  const { supportedTools } = dialect;
  const byName = new Map(toolbox.tools.map((tool) => [tool.name, tool]));
  const selected = names.map((name) => {
    const tool = byName.get(name);
    if (!tool) {
      throw new LoupeError(
        "config",
        `Unknown tool "${name}". Available tools: ${[...byName.keys()].join(", ")}.`,
      );
    }
    if (supportedTools !== "any" && !supportedTools.includes(name)) {
      throw new LoupeError(
        "config",
        `The ${dialect.name} dialect cannot express the "${name}" tool. It supports: ${supportedTools.join(", ")}.`,
      );
    }
    return tool;
  });
  toolbox.warmUp?.(names);
  return selected;
}

/** What tool selection reads of a dialect (tools/ does not import dialects/). */
export interface ToolSelectingDialect {
  name: string;
  supportedTools: readonly string[] | "any";
  defaultTools: readonly string[] | { kinds: readonly ToolKind[] };
}

/**
 * The tools a run of `dialect` enables when the user names none: the dialect's list, or every
 * tool of the toolbox whose kind the dialect asks for (native: image and code tools).
 */
export function defaultToolNames(toolbox: Toolbox, dialect: ToolSelectingDialect): string[] {
  const { defaultTools } = dialect;
  if (!("kinds" in defaultTools)) return [...defaultTools];
  return toolbox.tools
    .filter((tool) => tool.kind !== undefined && defaultTools.kinds.includes(tool.kind))
    .map((tool) => tool.name);
}

/**
 * Search services that open (cache database, local index, image host) on the first search, so
 * listing tools or running an image-only question touches no database.
 */
function lazySearchServices(config: LoupeConfig): { services: SearchServices; close(): void } {
  // Names are checked now, so a misspelt backend stops the run before it starts.
  checkSearchBackendNames(config.search);
  let opened: SearchServices | undefined;
  const open = (): SearchServices => {
    opened ??= createSearchServices(config.search);
    return opened;
  };
  const services: SearchServices = {
    config: config.search,
    get imageHost() {
      return open().imageHost;
    },
    searchText: (query, callOptions) => open().searchText(query, callOptions),
    searchByImage: (image, callOptions) => open().searchByImage(image, callOptions),
    searchImagesByText: (query, callOptions) => open().searchImagesByText(query, callOptions),
    readPage: (url, callOptions) => open().readPage(url, callOptions),
    close: () => opened?.close(),
  };
  return { services, close: () => opened?.close() };
}
