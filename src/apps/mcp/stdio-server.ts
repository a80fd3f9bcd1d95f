import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import type { LoupeConfig } from "../../core/config.js";
import { createMcpServer } from "./mcp-server.js";
import { McpSession } from "./mcp-session.js";
import type { McpTools } from "./mcp-tools.js";

/**
 * `loupe mcp`: one MCP session on stdin and stdout (stdout carries nothing else), for a client
 * that starts Loupe as its child. Resolves when the client goes away (stdin ends, the transport
 * closes) or on SIGINT/SIGTERM, after the session's Python sandbox is closed.
 */
export async function serveMcpStdio(options: {
  config: LoupeConfig;
  tools: McpTools;
  maxMessageBytes: number;
}): Promise<void> {
  // A client on stdio runs on this machine as this user: it may name image files by path.
  const session = new McpSession({
    config: options.config,
    tools: options.tools.tools,
    allowFilePaths: true,
  });
  const transport = new StdioServerTransport(process.stdin, process.stdout, {
    maxBufferSize: options.maxMessageBytes,
  });
  const server = createMcpServer(options.tools.tools, session);
  const ended = new Promise<void>((resolve) => {
    server.server.onclose = () => resolve();
    process.stdin.once("end", () => resolve());
    process.stdin.once("close", () => resolve());
    process.once("SIGINT", () => resolve());
    process.once("SIGTERM", () => resolve());
  });
  await server.connect(transport);
  await ended;
  await session.close();
  await server.close().catch(() => {});
}
