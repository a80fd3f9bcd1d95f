import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import sharp from "sharp";
import { resolveConfig } from "../../src/api/resolve-config.js";
import { serverApiKeys } from "../../src/apps/server/auth.js";
import { listen } from "../../src/apps/server/listen.js";
import { withServedImageHost } from "../../src/apps/server/served-image-host.js";
import { createServerApp, type ServerApp } from "../../src/apps/server/server-app.js";
import { layerConfig } from "../../src/core/config-layers.js";
import type { RunStore } from "../../src/core/run-store.js";
import {
  type ModelScript,
  type ModelServer,
  type ScriptedReply,
  startModelServer,
  TEST_MODEL_ID,
} from "../support/model-server.js";

export interface TestServer {
  /** http://127.0.0.1:PORT */
  url: string;
  model: ModelServer;
  server: ServerApp;
  close(): Promise<void>;
}

/**
 * `loupe serve`'s app on a loopback port, in front of the scripted model server: the crop tool
 * only (no sandbox), no retries (a failing model fails at once), and `config` laid over that.
 */
export async function startTestServer(
  script: ModelScript | ScriptedReply[],
  options: { config?: Record<string, unknown>; env?: Record<string, string>; store?: RunStore } = {},
): Promise<TestServer> {
  const model = await startModelServer(script);
  const env: NodeJS.ProcessEnv = { ...process.env, LOUPE_HOME: mkdtempSync(join(tmpdir(), "loupe-serve-")) };
  delete env.LOUPE_API_KEYS;
  Object.assign(env, options.env);
  const raw = withServedImageHost(
    layerConfig(
      { model: { baseUrl: model.baseUrl, name: TEST_MODEL_ID, maxRetries: 0 }, tools: ["crop"] },
      options.config ?? {},
    ),
  );
  const config = await resolveConfig(raw, { env }).catch(async (error: unknown) => {
    await model.close();
    throw error;
  });
  const server = createServerApp({
    baseConfig: raw,
    config,
    env,
    warn: () => {},
    ...(options.store ? { store: options.store } : {}),
  });
  const listening = await listen(server.app, { port: 0, apiKeys: serverApiKeys(config.server, env) });
  return {
    url: listening.url,
    model,
    server,
    close: async () => {
      await server.close();
      await listening.close();
      await model.close();
    },
  };
}

/** A response body as JSON, untyped: tests read whatever fields they check. */
// biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary fields.
export async function json(response: Response): Promise<any> {
  return response.json();
}

let png: Uint8Array | undefined;

/** A small PNG (four coloured quadrants) to send as an input. */
export async function testPng(): Promise<Uint8Array> {
  png ??= new Uint8Array(
    await sharp({ create: { width: 64, height: 48, channels: 3, background: "#3060c0" } })
      .png()
      .toBuffer(),
  );
  return png;
}

export async function testPngDataUrl(): Promise<string> {
  return `data:image/png;base64,${Buffer.from(await testPng()).toString("base64")}`;
}

/** Reads a text/event-stream response into events: id, event and parsed data. */
export async function readServerSentEvents(
  response: Response,
  options: { stopAfter?: (event: ServerSentEvent) => boolean } = {},
): Promise<ServerSentEvent[]> {
  const events: ServerSentEvent[] = [];
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let end = buffer.indexOf("\n\n");
    while (end >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      end = buffer.indexOf("\n\n");
      const event = parseBlock(block);
      if (!event) continue;
      events.push(event);
      if (options.stopAfter?.(event)) {
        await reader.cancel();
        return events;
      }
    }
  }
  return events;
}

export interface ServerSentEvent {
  id?: string;
  event?: string;
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary event fields.
  data: any;
}

function parseBlock(block: string): ServerSentEvent | undefined {
  const event: Partial<ServerSentEvent> = {};
  const data: string[] = [];
  for (const line of block.split("\n")) {
    if (line.startsWith(":")) continue;
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
    if (field === "id") event.id = value;
    else if (field === "event") event.event = value;
    else if (field === "data") data.push(value);
  }
  if (data.length === 0) return undefined;
  const text = data.join("\n");
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {}
  return { ...event, data: parsed };
}
