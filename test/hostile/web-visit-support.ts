import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import type { ServerResponse } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { searchConfigSchema, type WebVisitConfig } from "../../src/core/search-config.js";
import type { ToolResult } from "../../src/core/tool.js";
import { createToolContext } from "../../src/core/tool-context.js";
import { createSearchServices } from "../../src/search/search-services.js";
import { type LocalHttpServer, startLocalHttpServer } from "../../src/search/testing/local-http-server.js";
import { webVisitTool } from "../../src/tools/search/web-visit-tool.js";
import { startModelServer } from "../support/model-server.js";
import { type CliResult, runCli } from "../support/run-cli.js";

/** A page served on loopback: its bytes and Content-Type. */
export interface ServedPage {
  body: Uint8Array | string;
  contentType: string;
}

/** Serves each path's page on 127.0.0.1; anything else is 404. */
export function servePages(pages: Record<string, ServedPage>): Promise<LocalHttpServer> {
  return startLocalHttpServer((request, response: ServerResponse) => {
    const page = pages[new URL(request.url, "http://localhost").pathname];
    if (!page) {
      response.writeHead(404);
      return response.end();
    }
    response.writeHead(200, { "Content-Type": page.contentType });
    response.end(page.body);
  });
}

/**
 * Runs the real web_visit tool on `urls` through the real search services (direct page reading,
 * no cache), with the server's host trusted, the given webVisit settings and an optional signal.
 */
export async function visit(
  server: LocalHttpServer,
  urls: string[],
  webVisit: Partial<WebVisitConfig> = {},
  signal?: AbortSignal,
): Promise<ToolResult> {
  const folder = await mkdtemp(join(tmpdir(), "loupe-hostile-visit-"));
  const config = searchConfigSchema.parse({
    cache: { enabled: false },
    localIndex: { path: join(folder, "index.sqlite") },
    backends: { page: ["direct"] },
    webVisit,
  });
  const services = createSearchServices(config, { fetch: { trustedHosts: [server.host] } });
  try {
    const tool = webVisitTool(services);
    const context = createToolContext({ tool: "web_visit", question: "What does the page say?", signal });
    return await tool.execute(tool.parameters.parse({ urls }), context);
  } finally {
    services.close();
    await rm(folder, { recursive: true, force: true });
  }
}

export interface AskedVisit {
  result: CliResult;
  /** What the model was shown after its web_visit call. */
  observation: string;
  // biome-ignore lint/suspicious/noExplicitAny: the trajectory is read loosely.
  trajectory: any;
  peakMemoryBytes: number;
  seconds: number;
}

/**
 * `loupe ask` end to end: a scripted model calls web_visit on `urls`, then answers "done". The
 * config lets web_visit read loopback pages (allowPrivateAddresses, as only a trusted machine
 * should); the child's peak resident memory is measured.
 */
export async function askToVisit(
  urls: string[],
  options: { webVisit?: Partial<WebVisitConfig>; timeLimitSeconds: number },
): Promise<AskedVisit> {
  const folder = await mkdtemp(join(tmpdir(), "loupe-hostile-ask-"));
  const model = await startModelServer([
    { toolCalls: [{ name: "web_visit", arguments: { urls } }] },
    { content: "done" },
  ]);
  try {
    const configFile = join(folder, "loupe.config.json");
    await writeFile(
      configFile,
      JSON.stringify({
        search: {
          cache: { enabled: false },
          backends: { page: ["direct"] },
          webVisit: { allowPrivateAddresses: true, ...options.webVisit },
        },
      }),
    );
    const out = join(folder, "run");
    const peakMemoryFile = join(folder, "peak-memory");
    const started = performance.now();
    const result = await runCli(
      [
        "ask",
        "--config",
        configFile,
        "--base-url",
        model.baseUrl,
        "--model",
        "test-model",
        "--tools",
        "web_visit",
        "--time-limit",
        String(options.timeLimitSeconds),
        "--out",
        out,
        "What do these pages say?",
      ],
      { env: { LOUPE_HOME: join(folder, "home") }, peakMemoryFile, timeoutMs: 120_000 },
    );
    const seconds = (performance.now() - started) / 1000;
    const messages = model.requests[1]?.body.messages ?? [];
    const observation = messages
      .filter((message: { role: string }) => message.role === "tool")
      .map((message: { content: unknown }) => String(message.content))
      .join("\n");
    const trajectory = JSON.parse(await readFile(join(out, "trajectory.json"), "utf8"));
    const peakMemoryBytes = Number(await readFile(peakMemoryFile, "utf8"));
    return { result, observation, trajectory, peakMemoryBytes, seconds };
  } finally {
    await model.close();
    await rm(folder, { recursive: true, force: true });
  }
}
