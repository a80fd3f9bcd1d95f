import type { LoupeConfig } from "../../core/config.js";
import type { AnyTool } from "../../core/tool.js";
import { ChatClient } from "../../models/chat-client.js";
import { createToolbox } from "../../tools/registry.js";
import { createPageSummarizer } from "../../tools/search/page-summarizer.js";
import { askTool } from "./ask-tool.js";

/** The tools `loupe mcp` serves, made once per process, and what to release when it exits. */
export interface McpTools {
  tools: AnyTool[];
  close(): Promise<void>;
}

/**
 * Every registered tool (Loupe's and any added with registerTool), configured as for a run, then
 * `ask`. Sessions share them and their sandbox pool; each keeps its own state (mcp-session.ts).
 * Without a model, web_visit reads pages without summaries and `ask` explains what is missing.
 */
export function createMcpTools(config: LoupeConfig, options: { noModel?: string } = {}): McpTools {
  const summarizer = options.noModel
    ? undefined
    : createPageSummarizer(new ChatClient(config.model), {
        maxChars: config.search.webVisit.maxChars,
        promptFile: config.search.webVisit.summaryPromptFile,
      });
  const toolbox = createToolbox(config, { summarizer });
  return {
    tools: [...toolbox.tools, askTool({ config, noModel: options.noModel })],
    close: () => toolbox.close(),
  };
}
