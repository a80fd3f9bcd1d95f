import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveConfig } from "../../src/api/resolve-config.js";
import { type McpHttpServer, startMcpHttpServer } from "../../src/apps/mcp/http-server.js";
import { SandboxPool } from "../../src/sandbox/sandbox-pool.js";
import { hasSandbox, sandboxPythonPath } from "../../src/sandbox/sandbox-test-support.js";
import { pythonTool } from "../../src/tools/python/index.js";
import { connectHttp, textOf } from "./mcp-test-support.js";

/**
 * The HTTP server in this process, so a test can see what a session holds: its Python session
 * is released when the client ends the session (DELETE) or stops sending requests (idle timeout).
 */
describe.skipIf(!hasSandbox)("loupe mcp --http sessions", () => {
  const pool = new SandboxPool({ pythonPath: sandboxPythonPath, warmSessions: 0 });
  let server: McpHttpServer;
  const clients: Client[] = [];

  beforeAll(async () => {
    const home = await mkdtemp(join(tmpdir(), "loupe-mcp-sessions-"));
    const config = await resolveConfig(
      { model: { baseUrl: "http://127.0.0.1:9/v1", name: "m" } },
      { env: { LOUPE_HOME: home } },
    );
    server = await startMcpHttpServer({
      config,
      tools: { tools: [pythonTool({ pool })], close: async () => {} },
      host: "127.0.0.1",
      port: 0,
      apiKeys: [],
      idleTimeoutMs: 1_500,
      maxBodyBytes: 64 * 1024,
      maxSessions: 3,
    });
  });
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.close().catch(() => {})));
    await server?.close();
    await pool.close();
  });

  const pythonSession = async () => {
    const connected = await connectHttp(server.url);
    clients.push(connected.client);
    const result = await connected.client.callTool({ name: "python", arguments: { code: "x = 1\nx" } });
    expect(textOf(result)).toContain("1");
    return connected;
  };

  it("releases a session's Python sandbox when the client ends the session", async () => {
    const { transport } = await pythonSession();
    expect(server.sessionCount()).toBe(1);
    expect(pool.sessionsInUse).toBe(1);
    await transport.terminateSession();
    await waitFor(() => server.sessionCount() === 0 && pool.sessionsInUse === 0);
  }, 30_000);

  it("keeps a session through a call longer than the idle timeout", async () => {
    const { client } = await pythonSession();
    const slow = await client.callTool({
      name: "python",
      arguments: { code: "import time\ntime.sleep(2.5)\nx + 1" },
    });
    expect(textOf(slow)).toContain("2");
    expect(slow.isError, textOf(slow)).toBeFalsy();
    await client.close();
  }, 30_000);

  it("closes a session whose client went away without ending it, after the idle timeout, with its sandbox", async () => {
    const first = await pythonSession();
    const second = await pythonSession();
    expect(server.sessionCount()).toBeGreaterThanOrEqual(2);
    // Closing the client drops its connections but sends no DELETE: only the idle clock ends these.
    await first.client.close();
    await second.client.close();
    await waitFor(() => server.sessionCount() === 0 && pool.sessionsInUse === 0, 8_000);
  }, 30_000);

  it("refuses a session past --max-sessions with 503 and Retry-After, and takes one again once one ends", async () => {
    const open = await Promise.all([1, 2, 3].map(() => connectHttp(server.url)));
    const refused = await fetch(server.url, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json, text/event-stream" },
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: 1,
        method: "initialize",
        params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "t", version: "1" } },
      }),
    });
    expect(refused.status).toBe(503);
    expect(refused.headers.get("retry-after")).toBe("2");
    await open[0]?.transport.terminateSession();
    const again = await connectHttp(server.url);
    expect(server.sessionCount()).toBe(3);
    for (const connected of [...open, again]) {
      await connected.transport.terminateSession().catch(() => {});
      await connected.client.close();
    }
    await waitFor(() => server.sessionCount() === 0);
  }, 30_000);

  it("refuses a body over the limit with 413 before reading it all", async () => {
    const response = await fetch(server.url, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json, text/event-stream" },
      body: JSON.stringify({ padding: "x".repeat(100 * 1024) }),
    });
    expect(response.status).toBe(413);
  });

  it("answers a body that is not JSON with 400, and a path other than /mcp with 404", async () => {
    const headers = { "Content-Type": "application/json", Accept: "application/json, text/event-stream" };
    const garbled = await fetch(server.url, { method: "POST", headers, body: "{not json" });
    expect(garbled.status).toBe(400);
    expect(((await garbled.json()) as { error: { message: string } }).error.message).toContain(
      "The body is not JSON",
    );
    const elsewhere = await fetch(new URL("/other", server.url), { method: "POST", headers, body: "{}" });
    expect(elsewhere.status).toBe(404);
  });

  it("refuses a Host that is not loopback (DNS rebinding)", async () => {
    const { request } = await import("node:http");
    const status = await new Promise<number>((resolve, reject) => {
      const url = new URL(server.url);
      const call = request(
        {
          host: url.hostname,
          port: url.port,
          path: "/mcp",
          method: "POST",
          headers: { Host: "evil.example:80" },
        },
        (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        },
      );
      call.on("error", reject);
      call.end("{}");
    });
    expect(status).toBe(403);
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
