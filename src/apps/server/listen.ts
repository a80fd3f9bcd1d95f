import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import type { Hono } from "hono";
import { assertBindAllowed } from "./auth.js";

export interface ListeningServer {
  /** http://host:port, with the port the system gave when 0 was asked for. */
  url: string;
  port: number;
  close(): Promise<void>;
}

/**
 * Serves the app on host:port (loopback by default), refusing a non-loopback address without an
 * API key before binding anything.
 */
export async function listen(
  app: Hono<never> | Hono<{ Variables: { caller: string } }>,
  options: { host?: string; port?: number; apiKeys: readonly string[] },
): Promise<ListeningServer> {
  const host = options.host ?? "127.0.0.1";
  assertBindAllowed(host, options.apiKeys);
  const server = await new Promise<Server>((resolve, reject) => {
    const started = serve({ fetch: app.fetch, hostname: host, port: options.port ?? 8787 }, () =>
      resolve(started as Server),
    ) as Server;
    started.once("error", reject);
  });
  // Streams of long runs are idle between events; Node's default request timeout would cut them.
  server.requestTimeout = 0;
  server.headersTimeout = 60_000;
  const { port } = server.address() as AddressInfo;
  const shown = host.includes(":") ? `[${host}]` : host;
  return {
    url: `http://${shown}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
