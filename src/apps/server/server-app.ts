import { createHash, randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { type Context, Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { cors } from "hono/cors";
import type { LoupeConfig } from "../../core/config.js";
import type { RunStore } from "../../core/run-store.js";
import { matchApiKey, serverApiKeys } from "../bind-policy.js";
import { ApiError, apiErrorOf } from "./api-error.js";
import { ConcurrencyLimit } from "./concurrency-limit.js";
import { chatRoutes } from "./routes-chat.js";
import { runRoutes } from "./routes-runs.js";
import { staticRoutes } from "./routes-static.js";
import { RunLauncher } from "./run-launcher.js";
import { RunRegistry } from "./run-registry.js";
import { ServerMetrics } from "./server-metrics.js";
import { loupeVersion } from "./version.js";

export interface ServerAppOptions {
  /** The config as its layers have it, before resolving: each request's choices go over it. */
  baseConfig: Record<string, unknown>;
  /** The same, resolved (the server's own settings, the default model). */
  config: LoupeConfig;
  /** Where runs are kept; without one, finished runs live in memory (server.finishedRunsKept). */
  store?: RunStore;
  env?: NodeJS.ProcessEnv;
  warn?: (message: string) => void;
}

/** What every route handler gets: the launcher, the registry and the server's settings. */
export interface ServerContext {
  config: LoupeConfig;
  launcher: RunLauncher;
  registry: RunRegistry;
  metrics: ServerMetrics;
  store?: RunStore;
}

export type ServerEnv = { Variables: { caller: string } };

export interface ServerApp {
  app: Hono<ServerEnv>;
  context: ServerContext;
  /** Cancels the live runs and waits for them to record how they ended. */
  close(): Promise<void>;
}

/**
 * `loupe serve`'s HTTP app (hono): Loupe as an OpenAI-compatible model, the run API, images by
 * hash, health, version and metrics. Every /v1 route (and /metrics) requires a bearer key when
 * keys are configured; errors are OpenAI's JSON shape.
 */
export function createServerApp(options: ServerAppOptions): ServerApp {
  const { config } = options;
  const env = options.env ?? process.env;
  const settings = config.server;
  const keys = serverApiKeys(settings, env);
  const registry = new RunRegistry({
    finishedKept: settings.finishedRunsKept,
    eventBufferSize: settings.eventBufferSize,
  });
  const metrics = new ServerMetrics(() => registry.live().length);
  const launcher = new RunLauncher({
    baseConfig: options.baseConfig,
    config,
    env,
    registry,
    metrics,
    limit: new ConcurrencyLimit(settings.maxConcurrentRunsPerKey),
    ...(options.store ? { store: options.store } : {}),
    warn: options.warn ?? ((message) => process.stderr.write(`loupe serve: ${message}\n`)),
  });
  const context: ServerContext = {
    config,
    launcher,
    registry,
    metrics,
    ...(options.store ? { store: options.store } : {}),
  };
  const app = new Hono<ServerEnv>();

  app.onError((error, c) => errorResponse(c, apiErrorOf(error), metrics));
  app.notFound((c) =>
    errorResponse(
      c,
      new ApiError(
        404,
        "not_found_error",
        "no-route",
        `No route for ${c.req.method} ${new URL(c.req.url).pathname}.`,
      ),
      metrics,
    ),
  );
  app.use("*", async (c, next) => {
    await next();
    metrics.observeRequest(c.req.routePath || "unmatched", c.res.status);
  });
  if (settings.cors.origins.length > 0) {
    const origins = settings.cors.origins;
    app.use(
      "*",
      cors({
        origin: origins.includes("*") ? "*" : origins,
        allowHeaders: ["Authorization", "Content-Type", "Last-Event-ID"],
        allowMethods: ["GET", "POST", "OPTIONS"],
        exposeHeaders: ["x-loupe-run-id", "x-loupe-run-url", "retry-after"],
        maxAge: 600,
      }),
    );
  }
  const limit = bodyLimit({
    maxSize: settings.maxBodyBytes,
    onError: (c) =>
      errorResponse(
        c,
        new ApiError(
          413,
          "invalid_request_error",
          "body-too-large",
          `The request body is over ${settings.maxBodyBytes.toLocaleString("en-US")} bytes (server.maxBodyBytes).`,
        ),
        metrics,
      ),
  });
  app.use("/v1/*", limit);
  const authenticate = async (c: Context<ServerEnv>, next: () => Promise<void>) => {
    if (keys.length === 0) {
      c.set("caller", "anonymous");
      return next();
    }
    const header = c.req.header("authorization");
    const key = matchApiKey(header, keys);
    if (!key) {
      const message = header
        ? "The API key is not valid for this server."
        : "An API key is required: send Authorization: Bearer <key>.";
      return errorResponse(c, new ApiError(401, "authentication_error", "invalid_api_key", message), metrics);
    }
    c.set("caller", `key-${createHash("sha256").update(key).digest("hex").slice(0, 12)}`);
    return next();
  };
  app.use("/v1/*", authenticate);
  app.use("/metrics", authenticate);

  app.get("/healthz", (c) => c.json({ status: "ok", runs_in_flight: registry.live().length }));
  app.get("/version", (c) => c.json({ name: "loupe", version: loupeVersion(), node: process.version }));
  app.get("/metrics", (c) =>
    c.body(metrics.render(), 200, { "content-type": "text/plain; version=0.0.4; charset=utf-8" }),
  );
  chatRoutes(app, context);
  runRoutes(app, context);
  imageHostRoute(app, config);
  // Last: the viewer answers only the GETs no API route did.
  staticRoutes(app);

  return {
    app,
    context,
    close: async () => {
      const live = registry.live();
      for (const run of live) run.controller.abort();
      await Promise.allSettled(live.map((run) => run.settled));
    },
  };
}

export function errorResponse(c: Context, error: ApiError, metrics?: ServerMetrics): Response {
  if (error.status !== 404) metrics?.observeRequestError(error.code);
  return c.json(error.toJSON(), error.status, error.headers);
}

/** The link to a run: on server.publicUrl when set, else on the address the request came to. */
export function runUrl(c: Context, config: LoupeConfig, runId: string): string {
  const base = config.server.publicUrl?.replace(/\/+$/, "") ?? new URL(c.req.url).origin;
  return `${base}/v1/runs/${runId}`;
}

/** A fresh run id. */
export function newRunId(): string {
  return randomUUID();
}

/**
 * The public image host (search.imageHost.kind "loupe-server"): the files its `directory`
 * holds, at /images/<sha256>.<ext>, without a key, for search providers that fetch a query image
 * by URL. Only names of that shape are served, so nothing else in the folder can be reached.
 */
function imageHostRoute(app: Hono<ServerEnv>, config: LoupeConfig): void {
  const host = config.search.imageHost;
  if (host.kind !== "loupe-server") return;
  const mimeByExtension: Record<string, string> = {
    jpg: "image/jpeg",
    jpeg: "image/jpeg",
    png: "image/png",
    webp: "image/webp",
    gif: "image/gif",
    tiff: "image/tiff",
    avif: "image/avif",
  };
  app.get("/images/:file", async (c) => {
    const file = c.req.param("file");
    const match = /^[0-9a-f]{64}\.([a-z]{3,4})$/.exec(file);
    const mime = match ? mimeByExtension[match[1] as string] : undefined;
    if (!mime) throw new ApiError(404, "not_found_error", "image-not-found", `No image ${file}.`);
    const bytes = await readFile(join(host.directory, file)).catch(() => undefined);
    if (!bytes) throw new ApiError(404, "not_found_error", "image-not-found", `No image ${file}.`);
    return c.body(new Uint8Array(bytes), 200, {
      "content-type": mime,
      "cache-control": "public, max-age=31536000, immutable",
    });
  });
}
