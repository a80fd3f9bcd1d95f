import { Command } from "commander";
import { resolveConfig } from "../../api/resolve-config.js";
import { LoupeError } from "../../core/errors.js";
import { addRunOptions } from "../cli/ask-command.js";
import { type ConfigFlags, loadRawConfig } from "../cli/load-config.js";
import { addStoreOption, openRecordingStore } from "../cli/store-option.js";
import { serverApiKeys } from "./auth.js";
import { listen } from "./listen.js";
import { withServedImageHost } from "./served-image-host.js";
import { createServerApp } from "./server-app.js";

interface ServeFlags extends ConfigFlags {
  port: string;
  host: string;
}

export function serveCommand(): Command {
  const command = new Command("serve")
    .description("serve Loupe over HTTP: an OpenAI-compatible model that thinks with images, and a run API")
    .option("--port <n>", "port to listen on", "8787")
    .option(
      "--host <address>",
      "address to bind; other than loopback needs an API key (server.apiKeys or LOUPE_API_KEYS)",
      "127.0.0.1",
    );
  addRunOptions(command);
  addStoreOption(command);
  return command.action(async (flags: ServeFlags) => {
    await serve(flags);
  });
}

async function serve(flags: ServeFlags): Promise<void> {
  const port = Number(flags.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new LoupeError("config", `--port: expected a port number (0-65535), got "${flags.port}".`);
  const layers = await loadRawConfig(flags);
  const raw = withServedImageHost(layers.raw);
  const { origins } = layers;
  const config = await resolveConfig(raw, { origins });
  // Runs checkpoint into the store as they go; finished ones are fetched, listed and resumed from it.
  const store = await openRecordingStore(config.store);
  const server = createServerApp({ baseConfig: raw, config, ...(store ? { store } : {}) });
  const listening = await listen(server.app, {
    host: flags.host,
    port,
    apiKeys: serverApiKeys(config.server, process.env),
  });
  process.stderr.write(
    `loupe serve: listening on ${listening.url} (model ${config.model.name} at ${config.model.baseUrl}; runs ${store ? "kept in the store" : "kept in memory"}); OpenAI base URL ${listening.url}/v1\n`,
  );
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  process.stderr.write("loupe serve: stopping; live runs are cancelled and recorded\n");
  await server.close();
  await listening.close();
  await store?.close();
}
