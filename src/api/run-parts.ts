import { readFile } from "node:fs/promises";
import type { ChatModel } from "../agent/chat-model.js";
import type { LoupeConfig } from "../core/config.js";
import { formatConfigIssues } from "../core/config.js";
import { describeError, LoupeError } from "../core/errors.js";
import type { AnyTool, ToolKind } from "../core/tool.js";
import type { Dialect } from "../dialects/dialect.js";
import { type PromptPack, parsePromptPack, promptPackSchema } from "../dialects/prompt-pack.js";
import { findPromptPack } from "../dialects/prompt-pack-registry.js";
import { getDialect } from "../dialects/registry.js";
import { ChatClient } from "../models/chat-client.js";
import { createToolbox, defaultToolNames, selectTools, type Toolbox } from "../tools/registry.js";
import { createPageSummarizer } from "../tools/search/page-summarizer.js";

/** Everything a run needs besides its question and images, built from one resolved config. */
export interface RunParts {
  model: ChatModel;
  dialect: Dialect;
  tools: AnyTool[];
  /** The text of config.systemPromptFile, when set. */
  systemPrompt?: string;
  /** Releases what the tools hold (sandbox sessions, search databases); call when the run is done. */
  close(): Promise<void>;
}

export interface RunPartsOptions {
  /** A prompt pack object (checked here) that replaces config.promptPackFile. */
  promptPack?: PromptPack;
  /**
   * Tools of these kinds join the dialect's defaults when the config names no tools (plan and
   * research modes add "web": their plans and sub-agents search), where the dialect can express them.
   */
  defaultKinds?: readonly ToolKind[];
}

/**
 * The wiring of one run, shared by `loupe ask` and the library's `ask`: the prompt pack, the
 * dialect with its profile's options, the model client, web_visit's summarizer (the same model,
 * its tokens counted toward the run's budget), and the enabled tools. On failure, whatever was
 * opened is released.
 */
export async function createRunParts(config: LoupeConfig, options: RunPartsOptions = {}): Promise<RunParts> {
  const pack =
    options.promptPack !== undefined
      ? checkPromptPack(options.promptPack)
      : config.promptPackFile
        ? await readPromptPack(config.promptPackFile)
        : undefined;
  const dialect = getDialect(config.dialect, { options: config.dialectOptions, pack });
  const systemPrompt = config.systemPromptFile ? await readPromptFile(config.systemPromptFile) : undefined;
  const model = new ChatClient(config.model);
  // web_visit summaries (search.webVisit.summarize) come from the same model and server.
  // Their tokens count toward the budget of the run whose web_visit asked (ToolContext.reportUsage).
  const summarizer = createPageSummarizer(model, {
    maxChars: config.search.webVisit.maxChars,
    promptFile: config.search.webVisit.summaryPromptFile,
  });
  const toolbox = createToolbox(config, { summarizer });
  try {
    const tools = selectTools(
      toolbox,
      config.tools ?? defaultNames(toolbox, dialect, options.defaultKinds),
      dialect,
    );
    return { model, dialect, tools, systemPrompt, close: () => toolbox.close() };
  } catch (error) {
    await toolbox.close();
    throw error;
  }
}

function defaultNames(toolbox: Toolbox, dialect: Dialect, kinds: readonly ToolKind[] = []): string[] {
  const names = defaultToolNames(toolbox, dialect);
  const { supportedTools } = dialect;
  for (const tool of toolbox.tools) {
    if (tool.kind === undefined || !kinds.includes(tool.kind) || names.includes(tool.name)) continue;
    if (supportedTools === "any" || supportedTools.includes(tool.name)) names.push(tool.name);
  }
  return names;
}

function checkPromptPack(pack: PromptPack): PromptPack {
  const parsed = promptPackSchema.safeParse(pack);
  if (!parsed.success)
    throw new LoupeError("config", `Invalid prompt pack (promptPack):\n${formatConfigIssues(parsed.error)}`);
  return parsed.data;
}

async function readPromptFile(path: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    throw new LoupeError(
      "config",
      `Cannot read the system prompt file ${path} (systemPromptFile, --system-prompt-file): ${describeError(error)}`,
    );
  }
}

/** A registered pack by name (registerPromptPack), otherwise a file. */
async function readPromptPack(path: string): Promise<PromptPack> {
  const registered = findPromptPack(path);
  if (registered) return registered;
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new LoupeError(
      "config",
      `Cannot read the prompt pack ${path} (promptPackFile, --prompt-pack): ${describeError(error)}`,
    );
  }
  return parsePromptPack(text, path);
}
