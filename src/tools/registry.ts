import type { LoupeConfig } from "../core/config.js";
import { LoupeError } from "../core/errors.js";
import type { AnyTool } from "../core/tool.js";
import { SandboxPool } from "../sandbox/sandbox-pool.js";
import { createSearchServices, type SearchServices } from "../search/search-services.js";
import { imageTools } from "./image/index.js";
import { pythonTool } from "./python/index.js";
import { type PageSummarizer, searchTools } from "./search/index.js";

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
 * Every tool Loupe has, configured. Search services (cache database, local index) open lazily on
 * first use, so listing tools or running image-only questions touches no database.
 */
export function createToolbox(config: LoupeConfig, options: ToolboxOptions = {}): Toolbox {
  const search = lazySearchServices(config);
  // One sandbox pool per toolbox: its runs share warm Python sessions and concurrency limits.
  const pool = new SandboxPool(config.sandbox);
  return {
    tools: [
      ...imageTools(config.images),
      pythonTool({ pool }),
      ...searchTools(search.services, { summarizer: options.summarizer }),
    ],
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
  dialect: { name: string; supportedTools: readonly string[] },
): AnyTool[] {
  const byName = new Map(toolbox.tools.map((tool) => [tool.name, tool]));
  const selected = names.map((name) => {
    const tool = byName.get(name);
    if (!tool) {
      throw new LoupeError(
        "config",
        `Unknown tool "${name}". Available tools: ${[...byName.keys()].join(", ")}.`,
      );
    }
    if (!dialect.supportedTools.includes(name)) {
      throw new LoupeError(
        "config",
        `The ${dialect.name} dialect cannot express the "${name}" tool. It supports: ${dialect.supportedTools.join(", ")}.`,
      );
    }
    return tool;
  });
  toolbox.warmUp?.(names);
  return selected;
}

/**
 * Search services that open (cache database, local index, image host) on the first search, so
 * listing tools or running an image-only question touches no database.
 */
function lazySearchServices(config: LoupeConfig): { services: SearchServices; close(): void } {
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
