import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { isInitializeRequest } from "@modelcontextprotocol/sdk/types.js";
import type { LoupeConfig } from "../../core/config.js";
import { assertBindAllowed, isLoopbackHost, requestAuthorized } from "../bind-policy.js";
import { createMcpServer } from "./mcp-server.js";
import { McpSession } from "./mcp-session.js";
import type { McpTools } from "./mcp-tools.js";

export interface McpHttpOptions {
  config: LoupeConfig;
  tools: McpTools;
  host: string;
  /** 0 picks a free port (printed on stderr). */
  port: number;
  apiKeys: readonly string[];
  /** A session with no request for this long is closed, with its Python session and images. */
  idleTimeoutMs: number;
  /** Largest request body: a call carrying base64 images is about 4/3 of their bytes. */
  maxBodyBytes: number;
  /** Sessions open at once; a new one past this is refused with 503 until one ends. */
  maxSessions: number;
}

export interface McpHttpServer {
  /** http://host:port/mcp */
  url: string;
  sessionCount(): number;
  close(): Promise<void>;
}

interface OpenSession {
  transport: StreamableHTTPServerTransport;
  session: McpSession;
  /** Requests of this session still open: a call being run, the client's event stream (GET). */
  active: number;
  idle?: NodeJS.Timeout;
}

/**
 * `loupe mcp --http`: MCP's streamable HTTP transport at /mcp, one MCP server and one McpSession
 * per client session (Mcp-Session-Id), closed on DELETE, on idle timeout or when the server
 * stops. Loopback by default; another address needs an API key (bind-policy.ts), and when keys
 * exist every request must send one. On loopback, Host must name loopback too, so a web page
 * cannot reach the server through DNS rebinding.
 */
export async function startMcpHttpServer(options: McpHttpOptions): Promise<McpHttpServer> {
  assertBindAllowed(options.host, options.apiKeys);
  const sessions = new Map<string, OpenSession>();
  const allowFilePaths = isLoopbackHost(options.host);

  const closeSession = async (id: string) => {
    const open = sessions.get(id);
    if (!open) return;
    sessions.delete(id);
    clearTimeout(open.idle);
    await open.session.close();
    await open.transport.close().catch(() => {});
  };
  /** The idle clock runs only while nothing of the session is open: a long call is not idleness. */
  const startIdleClock = (id: string, open: OpenSession) => {
    clearTimeout(open.idle);
    open.idle = setTimeout(() => void closeSession(id), options.idleTimeoutMs);
    open.idle.unref();
  };
  const serve = (
    id: string,
    open: OpenSession,
    request: IncomingMessage,
    response: ServerResponse,
    body: unknown,
  ) => {
    open.active++;
    clearTimeout(open.idle);
    response.once("close", () => {
      open.active--;
      if (open.active === 0 && sessions.has(id)) startIdleClock(id, open);
    });
    return open.transport.handleRequest(request, response, body);
  };

  const openSession = async (): Promise<StreamableHTTPServerTransport> => {
    const session = new McpSession({ config: options.config, tools: options.tools.tools, allowFilePaths });
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => {
        const open: OpenSession = { transport, session, active: 0 };
        sessions.set(id, open);
        startIdleClock(id, open);
      },
      onsessionclosed: (id) => closeSession(id),
    });
    transport.onclose = () => {
      if (transport.sessionId) void closeSession(transport.sessionId);
      else void session.close();
    };
    await createMcpServer(options.tools.tools, session).connect(transport);
    return transport;
  };

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const path = new URL(request.url ?? "/", "http://localhost").pathname;
    if (path !== "/mcp") return sendError(response, 404, `Not found: ${path}. The MCP endpoint is /mcp.`);
    if (allowFilePaths && !hostIsLoopback(request.headers.host))
      return sendError(
        response,
        403,
        `Host ${request.headers.host ?? "(none)"} is not this loopback server.`,
      );
    if (!requestAuthorized(request.headers.authorization, options.apiKeys)) {
      response.setHeader("WWW-Authenticate", 'Bearer realm="loupe"');
      return sendError(response, 401, "Missing or wrong API key: send Authorization: Bearer <key>.");
    }
    const id = headerValue(request.headers["mcp-session-id"]);
    const body = request.method === "POST" ? await readJsonBody(request, options.maxBodyBytes) : undefined;
    if (body && "error" in body) return sendError(response, body.status, body.error);
    const open = id ? sessions.get(id) : undefined;
    if (open && id) return serve(id, open, request, response, body?.value);
    if (id) return sendError(response, 404, `No MCP session ${id} (it ended or timed out): start a new one.`);
    if (sessions.size >= options.maxSessions) {
      response.setHeader("Retry-After", String(Math.ceil(options.idleTimeoutMs / 1000)));
      return sendError(
        response,
        503,
        `${options.maxSessions} MCP sessions are open, the most this server keeps (--max-sessions): end one (DELETE) or wait for one to time out.`,
      );
    }
    if (request.method !== "POST" || !isInitializeRequest(body?.value))
      return sendError(
        response,
        400,
        "No Mcp-Session-Id: the first request of a session must be initialize.",
      );
    const transport = await openSession();
    return transport.handleRequest(request, response, body?.value);
  };

  const server: Server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent)
        sendError(response, 500, error instanceof Error ? error.message : String(error));
      else response.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return {
    url: `http://${shownHost}:${address.port}/mcp`,
    sessionCount: () => sessions.size,
    close: async () => {
      await Promise.all([...sessions.keys()].map((id) => closeSession(id)));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function hostIsLoopback(host: string | undefined): boolean {
  if (!host) return false;
  const hostname = host.startsWith("[") ? host.slice(0, host.indexOf("]") + 1) : host.split(":")[0];
  return isLoopbackHost(hostname ?? "");
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

type BodyResult = { value: unknown } | { status: number; error: string };

/** The JSON body, refused past `maxBytes` while it streams in (a declared length is checked first). */
async function readJsonBody(request: IncomingMessage, maxBytes: number): Promise<BodyResult> {
  const tooLarge = { status: 413, error: `Request body over ${maxBytes.toLocaleString("en-US")} bytes.` };
  if (Number(request.headers["content-length"]) > maxBytes) {
    request.resume();
    return tooLarge;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) {
      request.destroy();
      return tooLarge;
    }
    chunks.push(chunk);
  }
  try {
    return { value: JSON.parse(Buffer.concat(chunks).toString("utf8")) };
  } catch (error) {
    return {
      status: 400,
      error: `The body is not JSON: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
}

/** JSON-RPC's error shape, which MCP clients read, with a message that says what is wrong. */
function sendError(response: ServerResponse, status: number, message: string): void {
  response.writeHead(status, { "Content-Type": "application/json" });
  response.end(JSON.stringify({ jsonrpc: "2.0", error: { code: -32000, message }, id: null }));
}
