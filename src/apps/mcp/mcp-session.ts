import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import type { LoupeConfig } from "../../core/config.js";
import { describeError, isLoupeError } from "../../core/errors.js";
import { ImageSet } from "../../core/image-set.js";
import type { AnyTool, RunImageView, ToolContext, ToolResult } from "../../core/tool.js";
import { createToolContext } from "../../core/tool-context.js";
import { describeArgumentIssues, type ImageSource, imageArgumentsOf } from "./mcp-arguments.js";
import { sessionImageLabel } from "./session-images.js";

/** A tool call's context over MCP: a long call (`ask`) may report progress, which keeps the client waiting. */
export interface McpToolContext extends ToolContext {
  reportProgress?(message: string): void;
}

export interface McpSessionOptions {
  config: LoupeConfig;
  /** The tools the session serves: the toolbox's, shared by every session (their state is not). */
  tools: readonly AnyTool[];
  /** Whether image arguments may be paths of files on this machine (not for remote clients). */
  allowFilePaths: boolean;
}

/**
 * What one MCP client session holds, as one agent run would: one ImageSet (so image_3 made by a
 * crop can be cropped again in the next call) and one tool state map (one Python session whose
 * variables persist, the decode cache). Sessions share the tools and the sandbox pool, never
 * their images or state. `close` releases what the tools hold (the Python session).
 */
export class McpSession {
  readonly images = new ImageSet();
  readonly #state = new Map<string, unknown>();
  readonly #options: McpSessionOptions;
  readonly #view: RunImageView;
  #calls = 0;
  #closed = false;

  constructor(options: McpSessionOptions) {
    this.#options = options;
    const { config } = options;
    this.#view = {
      modelView: config.images.modelView,
      pythonImages: config.dialectOptions.pythonImages,
      markNearlyWhite: config.dialectOptions.dropBlankImages,
    };
  }

  /**
   * Runs one call: image arguments are brought into the session, the tool's own schema checks
   * the arguments, and the result becomes MCP content (text, then its images). Every failure,
   * bad arguments included, is a result with isError and a message, not a protocol error.
   */
  async call(
    tool: AnyTool,
    args: Record<string, unknown>,
    signal: AbortSignal,
    reportProgress?: (message: string) => void,
  ): Promise<CallToolResult> {
    const call = ++this.#calls;
    try {
      const withLabels = await this.#imagesInSession(args, signal);
      const parsed = tool.parameters.safeParse(withLabels);
      if (!parsed.success) return errorResult(describeArgumentIssues(tool.name, parsed.error));
      const context: McpToolContext = createToolContext({
        tool: tool.name,
        callId: `mcp_${call}`,
        step: call,
        images: this.images,
        state: this.#state,
        signal,
        view: this.#view,
      });
      if (reportProgress) context.reportProgress = reportProgress;
      return this.toContent(await tool.execute(parsed.data, context));
    } catch (error) {
      const hint = isLoupeError(error) && error.hint ? `\n${error.hint}` : "";
      return errorResult(`Error: ${describeError(error)}${hint}`);
    }
  }

  /** A tool result as MCP content: the observation text, then each image it produced. */
  toContent(result: ToolResult): CallToolResult {
    const images = result.images.map((ref) => ({
      type: "image" as const,
      data: Buffer.from(this.images.bytes(ref.id)).toString("base64"),
      mimeType: ref.mime,
    }));
    return {
      content: [{ type: "text", text: result.text }, ...images],
      ...(result.isError ? { isError: true } : {}),
    };
  }

  /** Releases what the tools hold for this session (its Python session, decoded pixels). */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const tool of this.#options.tools) {
      try {
        await tool.dispose?.(this.#state);
      } catch {
        // One tool failing to let go must not keep the others' resources.
      }
    }
  }

  /** Resolves image arguments to the labels of session images, loading what is new. */
  async #imagesInSession(
    args: Record<string, unknown>,
    signal: AbortSignal,
  ): Promise<Record<string, unknown>> {
    const { image, images } = imageArgumentsOf(args);
    const { config, allowFilePaths } = this.#options;
    const options = {
      images: config.images,
      allowFilePaths,
      allowPrivateAddresses: config.search.webVisit.allowPrivateAddresses,
      signal,
    };
    const label = (source: unknown) =>
      source === undefined ? undefined : sessionImageLabel(source as ImageSource, this.images, options);
    return {
      ...args,
      ...(image === undefined ? {} : { image: await label(image) }),
      ...(images === undefined ? {} : { images: await Promise.all(images.map((source) => label(source))) }),
    };
  }
}

function errorResult(text: string): CallToolResult {
  return { content: [{ type: "text", text }], isError: true };
}
