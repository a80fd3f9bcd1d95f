import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

/**
 * A scripted stand-in for a model server: a real HTTP server on 127.0.0.1 that speaks the OpenAI
 * chat completions wire format the way vLLM does (SSE streaming, `reasoning_content`, tool call
 * pieces, `stop` handling with `stop_reason`, OpenAI error bodies). Tests script what the "model"
 * says; everything between the client and the socket is real.
 */

export interface RecordedRequest {
  /** The parsed JSON body (undefined for bodiless requests such as GET /v1/models). */
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary fields of the wire body.
  body: any;
  headers: Record<string, string | string[] | undefined>;
}

export interface ScriptedToolCall {
  id?: string;
  name: string;
  /** A JSON string as the model wrote it, or an object that is serialised for you. */
  arguments: string | object;
}

export interface ScriptedCompletion {
  content?: string;
  /** Sent as `reasoning_content`, like vLLM with a reasoning parser. */
  reasoning?: string;
  toolCalls?: ScriptedToolCall[];
  /** Defaults to "tool_calls" when there are tool calls, "stop" otherwise. */
  finishReason?: string;
  /** Sent only when scripted, so tests can check what happens when a server reports none. */
  usage?: { prompt_tokens: number; completion_tokens: number; cached_tokens?: number };
  /** Characters per SSE chunk for content, reasoning and tool arguments; default 8. */
  chunkSize?: number;
  /** Destroy the socket after this many SSE events have been written (simulates a dropped stream). */
  dropAfterChunks?: number;
  /** Wait this long before answering. */
  delayMs?: number;
}

export interface ScriptedError {
  status: number;
  error?: { message: string; type?: string; code?: string | number };
  retryAfterSeconds?: number;
}

/**
 * Exact bytes on the wire, for replies no well-behaved server sends: an HTML error page with
 * status 200 (a proxy's login page), JSON that is not a chat completion, a cut-off body.
 */
export interface ScriptedRawReply {
  raw: string;
  /** Default 200. */
  status?: number;
  /** Default application/json. */
  contentType?: string;
}

/**
 * A server-sent event stream written verbatim: each entry is written as is (compose
 * `data: {...}\n\n` yourself), so a test can leave out [DONE], send no choices or garbage lines.
 */
export interface ScriptedEventStream {
  sse: string[];
  /** Keep the connection open after the last entry instead of ending the response. */
  keepOpen?: boolean;
}

/**
 * A reply that never ends: content (and reasoning) pieces forever, as a model stuck in a
 * repetition loop on a server without max_tokens. Streaming requests get SSE chunks, others an
 * endless JSON body. Writes wait for the client to read (backpressure), so the server itself
 * stays small, and stop when the client goes away.
 */
export interface ScriptedEndlessReply {
  endless: { content?: string; reasoning?: string };
}

export type ScriptedReply =
  | ScriptedCompletion
  | ScriptedError
  | ScriptedRawReply
  | ScriptedEventStream
  | ScriptedEndlessReply
  /** Accept the request and send nothing, not even headers: a silent server. */
  | { hang: true };

export type ModelScript = (request: RecordedRequest, index: number) => ScriptedReply | Promise<ScriptedReply>;

export interface ModelServer {
  /** Ends in /v1, ready to be used as an OpenAI base URL. */
  baseUrl: string;
  /** Every chat completion request received, in order. */
  requests: RecordedRequest[];
  close(): Promise<void>;
}

export const TEST_MODEL_ID = "test-model";

export async function startModelServer(script: ModelScript | ScriptedReply[]): Promise<ModelServer> {
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  const replyFor: ModelScript = Array.isArray(script)
    ? (_request, index) =>
        script[index] ?? {
          status: 500,
          error: { message: `model script exhausted: no reply scripted for request ${index + 1}` },
        }
    : script;

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) sendError(response, { status: 500, error: { message: String(error) } });
      else response.destroy();
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = request.url ?? "/";
    if (request.method === "GET" && url === "/v1/models") {
      sendJson(response, 200, {
        object: "list",
        data: [{ id: TEST_MODEL_ID, object: "model", created: 0, owned_by: "loupe-test" }],
      });
      return;
    }
    if (request.method !== "POST" || url !== "/v1/chat/completions") {
      sendError(response, { status: 404, error: { message: `no route for ${request.method} ${url}` } });
      return;
    }
    const text = await readBody(request);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      sendError(response, { status: 400, error: { message: "request body is not valid JSON" } });
      return;
    }
    const recorded: RecordedRequest = { body, headers: { ...request.headers } };
    const index = requests.length;
    requests.push(recorded);
    const reply = await replyFor(recorded, index);
    if ("hang" in reply) return; // keep the socket open; close() destroys it
    if ("raw" in reply) {
      response.writeHead(reply.status ?? 200, { "content-type": reply.contentType ?? "application/json" });
      response.end(reply.raw);
      return;
    }
    if ("sse" in reply) {
      response.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
      for (const entry of reply.sse) response.write(entry);
      if (!reply.keepOpen) response.end();
      return;
    }
    if ("endless" in reply) {
      await sendEndless(response, reply.endless, recorded.body);
      return;
    }
    if ("status" in reply) {
      sendError(response, reply);
      return;
    }
    if (reply.delayMs) await new Promise((resolve) => setTimeout(resolve, reply.delayMs));
    const completion = applyStop(reply, stopStrings(recorded.body?.stop));
    if (recorded.body?.stream) streamCompletion(response, completion, recorded.body);
    else sendCompletion(response, completion, recorded.body);
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A completion after the server applied `stop`: what vLLM would actually send. */
interface ServedCompletion {
  content: string;
  reasoning?: string;
  toolCalls: { id: string; name: string; arguments: string }[];
  finishReason: string;
  stopReason?: string;
  usage?: ScriptedCompletion["usage"];
  chunkSize: number;
  dropAfterChunks?: number;
}

function stopStrings(stop: unknown): string[] {
  if (typeof stop === "string") return [stop];
  if (Array.isArray(stop))
    return stop.filter((item): item is string => typeof item === "string" && item !== "");
  return [];
}

/** Like vLLM: generation ends at the first stop string, which is cut from the output. */
function applyStop(reply: ScriptedCompletion, stops: string[]): ServedCompletion {
  const content = reply.content ?? "";
  const toolCalls = (reply.toolCalls ?? []).map((call, index) => ({
    id: call.id ?? `call_${index}`,
    name: call.name,
    arguments: typeof call.arguments === "string" ? call.arguments : JSON.stringify(call.arguments),
  }));
  const served: ServedCompletion = {
    content,
    reasoning: reply.reasoning,
    toolCalls,
    finishReason: reply.finishReason ?? (toolCalls.length > 0 ? "tool_calls" : "stop"),
    usage: reply.usage,
    chunkSize: Math.max(1, reply.chunkSize ?? 8),
    dropAfterChunks: reply.dropAfterChunks,
  };
  let firstMatch: { at: number; stop: string } | undefined;
  for (const stop of stops) {
    const at = content.indexOf(stop);
    if (at >= 0 && (!firstMatch || at < firstMatch.at)) firstMatch = { at, stop };
  }
  if (firstMatch) {
    // Generation ended at the stop string, so nothing after it (tool calls included) was produced.
    served.content = content.slice(0, firstMatch.at);
    served.toolCalls = [];
    served.finishReason = "stop";
    served.stopReason = firstMatch.stop;
  }
  return served;
}

function usageBody(usage: NonNullable<ScriptedCompletion["usage"]>) {
  return {
    prompt_tokens: usage.prompt_tokens,
    completion_tokens: usage.completion_tokens,
    total_tokens: usage.prompt_tokens + usage.completion_tokens,
    ...(usage.cached_tokens === undefined
      ? {}
      : { prompt_tokens_details: { cached_tokens: usage.cached_tokens } }),
  };
}

// biome-ignore lint/suspicious/noExplicitAny: the recorded wire body.
function sendCompletion(response: ServerResponse, completion: ServedCompletion, body: any): void {
  const message: Record<string, unknown> = { role: "assistant", content: completion.content };
  if (completion.reasoning !== undefined) message.reasoning_content = completion.reasoning;
  if (completion.toolCalls.length > 0) {
    message.tool_calls = completion.toolCalls.map((call) => ({
      id: call.id,
      type: "function",
      function: { name: call.name, arguments: call.arguments },
    }));
  }
  sendJson(response, 200, {
    id: "chatcmpl-test",
    object: "chat.completion",
    created: Math.floor(Date.now() / 1000),
    model: body?.model ?? TEST_MODEL_ID,
    choices: [
      {
        index: 0,
        message,
        finish_reason: completion.finishReason,
        stop_reason: completion.stopReason ?? null,
      },
    ],
    ...(completion.usage ? { usage: usageBody(completion.usage) } : {}),
  });
}

// biome-ignore lint/suspicious/noExplicitAny: the recorded wire body.
function streamCompletion(response: ServerResponse, completion: ServedCompletion, body: any): void {
  response.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
  const base = {
    id: "chatcmpl-test",
    object: "chat.completion.chunk",
    created: 0,
    model: body?.model ?? TEST_MODEL_ID,
  };
  const events: string[] = [];
  const choice = (delta: Record<string, unknown>, finish: Record<string, unknown> = {}) =>
    events.push(
      JSON.stringify({
        ...base,
        choices: [{ index: 0, delta, logprobs: null, finish_reason: null, ...finish }],
      }),
    );

  choice({ role: "assistant", content: "" });
  for (const piece of pieces(completion.reasoning ?? "", completion.chunkSize))
    choice({ reasoning_content: piece });
  for (const piece of pieces(completion.content, completion.chunkSize)) choice({ content: piece });
  completion.toolCalls.forEach((call, index) => {
    choice({
      tool_calls: [{ index, id: call.id, type: "function", function: { name: call.name, arguments: "" } }],
    });
    for (const piece of pieces(call.arguments, completion.chunkSize)) {
      choice({ tool_calls: [{ index, function: { arguments: piece } }] });
    }
  });
  choice({}, { finish_reason: completion.finishReason, stop_reason: completion.stopReason ?? null });
  if (body?.stream_options?.include_usage && completion.usage) {
    events.push(JSON.stringify({ ...base, choices: [], usage: usageBody(completion.usage) }));
  }
  events.push("[DONE]");

  events.forEach((event, index) => {
    if (completion.dropAfterChunks !== undefined && index >= completion.dropAfterChunks) return;
    response.write(`data: ${event}\n\n`);
  });
  if (completion.dropAfterChunks !== undefined && completion.dropAfterChunks < events.length) {
    // Let the written events leave before the connection dies, as a crashing server would.
    setTimeout(() => response.socket?.destroy(), 20);
    return;
  }
  response.end();
}

// biome-ignore lint/suspicious/noExplicitAny: the recorded wire body.
async function sendEndless(response: ServerResponse, endless: ScriptedEndlessReply["endless"], body: any) {
  const streaming = body?.stream === true;
  const content = endless.content ?? (endless.reasoning === undefined ? "all work and no play " : "");
  let gone = false;
  response.on("close", () => {
    gone = true;
  });
  const write = async (text: string) => {
    if (response.write(text)) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        response.off("drain", done);
        response.off("close", done);
        resolve();
      };
      response.on("drain", done);
      response.on("close", done);
    });
  };
  if (streaming) {
    response.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
    const chunk = (delta: Record<string, unknown>) =>
      `data: ${JSON.stringify({
        id: "chatcmpl-test",
        object: "chat.completion.chunk",
        created: 0,
        model: body?.model ?? TEST_MODEL_ID,
        choices: [{ index: 0, delta, logprobs: null, finish_reason: null }],
      })}\n\n`;
    await write(chunk({ role: "assistant", content: "" }));
    while (!gone) {
      if (endless.reasoning) await write(chunk({ reasoning_content: endless.reasoning }));
      if (content) await write(chunk({ content }));
    }
    return;
  }
  response.writeHead(200, { "content-type": "application/json" });
  await write(
    '{"id":"chatcmpl-test","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"',
  );
  const piece = JSON.stringify(content.repeat(Math.ceil(4096 / Math.max(1, content.length)))).slice(1, -1);
  while (!gone) await write(piece);
}

function pieces(text: string, size: number): string[] {
  const result: string[] = [];
  for (let start = 0; start < text.length; start += size) result.push(text.slice(start, start + size));
  return result;
}

function sendError(response: ServerResponse, reply: ScriptedError): void {
  const headers: Record<string, string> = {};
  if (reply.retryAfterSeconds !== undefined) headers["retry-after"] = String(reply.retryAfterSeconds);
  sendJson(
    response,
    reply.status,
    {
      error: {
        message: reply.error?.message ?? `scripted error ${reply.status}`,
        type: reply.error?.type ?? "BadRequestError",
        param: null,
        code: reply.error?.code ?? reply.status,
      },
    },
    headers,
  );
}

function sendJson(
  response: ServerResponse,
  status: number,
  value: unknown,
  headers: Record<string, string> = {},
) {
  const text = JSON.stringify(value);
  response.writeHead(status, { "content-type": "application/json", ...headers });
  response.end(text);
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}
