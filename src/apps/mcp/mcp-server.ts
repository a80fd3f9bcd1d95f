import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { ServerNotification } from "@modelcontextprotocol/sdk/types.js";
import type { AnyTool } from "../../core/tool.js";
import { mcpInputSchema } from "./mcp-arguments.js";
import type { McpSession } from "./mcp-session.js";

type ToolCallExtra = {
  signal: AbortSignal;
  _meta?: { progressToken?: string | number };
  sendNotification(notification: ServerNotification): Promise<void>;
};

/**
 * Progress notifications for a call whose client asked for them (a progress token): each resets
 * the client's request timeout where it allows that, so a long `ask` is not given up on.
 */
function progressReporter(extra: ToolCallExtra): ((message: string) => void) | undefined {
  const token = extra._meta?.progressToken;
  if (token === undefined) return undefined;
  let progress = 0;
  return (message) => {
    progress++;
    extra
      .sendNotification({
        method: "notifications/progress",
        params: { progressToken: token, progress, message },
      })
      .catch(() => {});
  };
}

export const serverInfo = { name: "loupe", version: "0.1.0" };

/**
 * The MCP server of one client session: every tool, its input schema made from the tool's zod
 * schema (image arguments widened, mcp-arguments.ts), each call run in the session.
 */
export function createMcpServer(tools: readonly AnyTool[], session: McpSession): McpServer {
  const server = new McpServer(serverInfo, {
    capabilities: { tools: {} },
    instructions:
      "Loupe's tools for looking closely at images. Images you send or that tools make stay in this session by label (image_1, image_2, ...): crop image_2 to zoom further, and Python sees them as image_1, image_2, ... with variables kept between calls.",
  });
  for (const tool of tools) {
    server.registerTool(
      tool.name,
      { description: tool.description, inputSchema: mcpInputSchema(tool) as never },
      // The SDK checked the arguments against the widened schema; the session checks them again with the tool's.
      ((args: Record<string, unknown>, extra: ToolCallExtra) =>
        session.call(tool, args ?? {}, extra.signal, progressReporter(extra))) as never,
    );
  }
  return server;
}
