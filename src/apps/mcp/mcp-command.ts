import { Command } from "commander";
import type { LoupeConfig } from "../../core/config.js";
import { LoupeError } from "../../core/errors.js";
import { discoverLocalModel } from "../../models/discover-local-model.js";
import { defaultBindHost, serverApiKeys } from "../bind-policy.js";
import { addRunOptions } from "../cli/ask-command.js";
import { type ConfigFlags, loadConfig } from "../cli/load-config.js";
import { startMcpHttpServer } from "./http-server.js";
import { createMcpTools } from "./mcp-tools.js";
import { serveMcpStdio } from "./stdio-server.js";

interface McpFlags extends ConfigFlags {
  http?: boolean;
  port: string;
  host: string;
  idleTimeout: string;
  maxSessions: string;
}

/** `ask` without a model: what to set, in one line (the tools that need none still work). */
const noModelForAsk =
  "No model is configured for ask: start `loupe mcp` with --base-url and --model (or LOUPE_BASE_URL and LOUPE_MODEL, or model in loupe.config.json).";

export function mcpCommand(): Command {
  const command = new Command("mcp")
    .description("serve Loupe's tools and agent over the Model Context Protocol (stdio, or --http)")
    .option("--http", "serve streamable HTTP at http://HOST:PORT/mcp instead of stdio")
    .option("--port <n>", "HTTP port (0: any free port)", "8765")
    .option(
      "--host <address>",
      "HTTP address; other than loopback needs an API key (LOUPE_API_KEYS)",
      defaultBindHost,
    )
    .option("--idle-timeout <seconds>", "close an HTTP session after this long without a request", "1800")
    .option("--max-sessions <n>", "HTTP sessions open at once (each may hold a Python session)", "64");
  addRunOptions(command);
  return command.action(async (flags: McpFlags) => {
    const port = integerFlag("--port", flags.port, 0, 65_535);
    const idleTimeoutMs = integerFlag("--idle-timeout", flags.idleTimeout, 1, 7 * 24 * 3600) * 1000;
    const maxSessions = integerFlag("--max-sessions", flags.maxSessions, 1, 100_000);
    const { config, noModel } = await loadMcpConfig(flags);
    const tools = createMcpTools(config, { noModel });
    // One image at the byte limit, base64-encoded (4/3 of its size), with room for the rest.
    const maxBodyBytes = Math.ceil(config.images.maxInputBytes * 1.5) + 1024 * 1024;
    try {
      if (!flags.http) {
        await serveMcpStdio({ config, tools, maxMessageBytes: maxBodyBytes });
        return;
      }
      const server = await startMcpHttpServer({
        config,
        tools,
        host: flags.host,
        port,
        apiKeys: serverApiKeys(config.server, process.env),
        idleTimeoutMs,
        maxBodyBytes,
        maxSessions,
      });
      process.stderr.write(`loupe mcp: listening on ${server.url}\n`);
      await new Promise<void>((resolve) => {
        process.once("SIGINT", resolve);
        process.once("SIGTERM", resolve);
      });
      await server.close();
    } finally {
      await tools.close();
    }
  });
}

/**
 * The config as `loupe ask` loads it; without a model, the tools that need none are still
 * served and `ask` answers with what to configure.
 */
async function loadMcpConfig(flags: McpFlags): Promise<{ config: LoupeConfig; noModel?: string }> {
  let nothingFound = false;
  const discover = async () => {
    const found = await discoverLocalModel();
    nothingFound = found === undefined;
    return found;
  };
  try {
    return { config: await loadConfig(flags, process.env, { discover }) };
  } catch (error) {
    if (!nothingFound) throw error;
    const placeholder = { ...flags, baseUrl: "http://127.0.0.1:1/v1", model: "no-model-configured" };
    return { config: await loadConfig(placeholder), noModel: noModelForAsk };
  }
}

function integerFlag(name: string, value: string, min: number, max: number): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < min || number > max)
    throw new LoupeError("config", `${name}: expected a whole number from ${min} to ${max}, got "${value}".`);
  return number;
}
