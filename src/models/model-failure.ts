import { APIConnectionError, APIConnectionTimeoutError, APIError } from "openai";
import { describeError, LoupeError } from "../core/errors.js";
import { MalformedReplyError } from "./malformed-reply.js";
import { parseRetryAfter } from "./retry-policy.js";

/**
 * What went wrong with one model request, as a LoupeError the user can act on, and whether
 * trying again could help. Retry: rate limits, server errors, timeouts, silent servers, refused or
 * reset connections, streams cut off mid-way, replies that are not chat completions. Never: bad
 * requests, authentication, unknown model.
 */
export interface ModelFailure {
  error: LoupeError;
  retryable: boolean;
  retryAfterMs?: number;
}

export interface FailureContext {
  /** The endpoint that was called, named in every message. */
  url: string;
  timeoutMs: number;
  idleTimeoutMs?: number;
  /** True when our own per-request timeout fired. */
  timedOut: boolean;
  /** True when the server sent nothing for idleTimeoutMs. */
  idledOut?: boolean;
  /** How many attempts were made so far, this one included. */
  attempts: number;
}

/** Thrown when a stream ends (cleanly or not) before the server sent a finish_reason. */
export class StreamDroppedError extends Error {
  constructor() {
    super("the stream ended before the reply finished");
    this.name = "StreamDroppedError";
  }
}

const START_SERVER_HINT =
  "Is the model server running? Start one with `vllm serve Qwen/Qwen2.5-VL-7B-Instruct " +
  "--enable-auto-tool-choice --tool-call-parser hermes` (or `ollama serve`) and check --base-url " +
  "(it usually ends in /v1).";

const NETWORK_ERROR_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EAI_AGAIN",
  "ENOTFOUND",
  "UND_ERR_SOCKET",
  "UND_ERR_CLOSED",
  "UND_ERR_CONNECT_TIMEOUT",
]);

export function classifyModelFailure(error: unknown, context: FailureContext): ModelFailure {
  const tries = context.attempts === 1 ? "" : ` (after ${context.attempts} attempts)`;
  if (context.idledOut) {
    return {
      retryable: true,
      error: new LoupeError(
        "model-timeout",
        `Model server at ${context.url} sent nothing for ${context.idleTimeoutMs} ms${tries}.`,
        {
          cause: error,
          hint:
            "The server accepted the request and went silent (stuck, overloaded, or a long queue): check it, " +
            "or raise model.idleTimeoutMs if its first token is slow to come.",
        },
      ),
    };
  }
  if (context.timedOut || error instanceof APIConnectionTimeoutError) {
    return {
      retryable: true,
      error: new LoupeError(
        "model-timeout",
        `Model request to ${context.url} timed out after ${context.timeoutMs} ms${tries}.`,
        {
          cause: error,
          hint: "The server may be overloaded or the reply very long: raise model.timeoutMs or lower model.maxTokens.",
        },
      ),
    };
  }
  if (error instanceof StreamDroppedError || wasCutOffMidBody(error)) {
    const detail =
      error instanceof StreamDroppedError
        ? error.message
        : `the connection was lost mid-reply (${networkDescription(error)})`;
    return {
      retryable: true,
      error: new LoupeError("model-unreachable", `Model server at ${context.url}: ${detail}${tries}.`, {
        cause: error,
        hint: "The server closed the connection mid-reply; check its log for a crash or an out-of-memory error.",
      }),
    };
  }
  // One raised inside the SDK's fetch (a redirect) comes wrapped in its connection error.
  const malformed = causes(error).find((link) => link instanceof MalformedReplyError);
  if (malformed instanceof MalformedReplyError) {
    return {
      retryable: true,
      error: new LoupeError("model-output", `Model server at ${context.url} ${malformed.message}${tries}.`, {
        cause: error,
        hint:
          "Something answered that is not an OpenAI-compatible chat completions server (a proxy, a sign-in " +
          "page, a crashed worker): check --base-url (it usually ends in /v1) and the server's log.",
      }),
    };
  }
  if (error instanceof APIError && typeof error.status === "number")
    return httpFailure(error, error.status, context, tries);
  if (error instanceof APIConnectionError || hasNetworkCause(error)) {
    return {
      retryable: true,
      error: new LoupeError(
        "model-unreachable",
        `Cannot reach the model server at ${context.url}: ${networkDescription(error)}${tries}.`,
        { cause: error, hint: START_SERVER_HINT },
      ),
    };
  }
  return {
    retryable: false,
    error: new LoupeError(
      "model-http",
      `Unexpected reply from the model server at ${context.url}: ${describeError(error)}${tries}.`,
      { cause: error },
    ),
  };
}

function httpFailure(error: APIError, status: number, context: FailureContext, tries: string): ModelFailure {
  const serverMessage = serverErrorMessage(error);
  const retryable = status === 408 || status === 429 || status >= 500;
  const retryAfter = error.headers?.get("retry-after");
  const retryAfterMs = retryable ? parseRetryAfter(retryAfter) : undefined;
  return {
    retryable,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    error: new LoupeError(
      "model-http",
      `Model server at ${context.url} answered HTTP ${status}${serverMessage ? `: ${serverMessage}` : ""}${tries}.`,
      { cause: error, hint: hintForStatus(status, context.url, serverMessage) },
    ),
  };
}

function serverErrorMessage(error: APIError): string {
  const body = error.error as { message?: unknown } | undefined;
  if (body && typeof body.message === "string") return body.message;
  if (body && body.message !== undefined) return JSON.stringify(body.message);
  // The SDK prefixes the status; without a body its message says only that.
  return error.message.replace(/^\d{3}\s*/, "").replace(/^status code \(no body\)$/, "");
}

function hintForStatus(status: number, url: string, serverMessage: string): string {
  if (status === 401 || status === 403)
    return "Check the API key (LOUPE_API_KEY, OPENAI_API_KEY or --api-key).";
  if (status === 404) {
    const models = url.replace(/\/chat\/completions$/, "/models");
    return `Check --base-url (it usually ends in /v1) and --model; ${models} lists the models the server serves.`;
  }
  if (status === 429) return "The server is rate limiting; lower concurrency or wait before trying again.";
  if (status === 400 && /tool|function/i.test(serverMessage)) {
    return (
      "The server does not accept tool calls as configured. For vLLM add `--enable-auto-tool-choice " +
      "--tool-call-parser hermes` to `vllm serve`, or pick a tag dialect with --dialect (deepeyes, " +
      "deepeyes-v2, skywork-r1v4, ...), which needs no tool parser."
    );
  }
  if (status >= 500)
    return "The model server failed; check its log (out of memory, crashed worker, overload).";
  return "The server rejected the request; its message says why (context too long, too many images, an unsupported extraBody field?).";
}

function causes(error: unknown): unknown[] {
  const chain: unknown[] = [];
  let current: unknown = error;
  while (current && chain.length < 6) {
    chain.push(current);
    current = (current as { cause?: unknown }).cause;
  }
  return chain;
}

/** undici reports a response body cut off mid-way as TypeError("terminated"). */
function wasCutOffMidBody(error: unknown): boolean {
  return causes(error).some((link) => link instanceof TypeError && link.message === "terminated");
}

function hasNetworkCause(error: unknown): boolean {
  return causes(error).some((link) => {
    const code = (link as { code?: unknown })?.code;
    if (typeof code === "string" && NETWORK_ERROR_CODES.has(code)) return true;
    return link instanceof TypeError && /fetch failed|other side closed/i.test(link.message);
  });
}

function networkDescription(error: unknown): string {
  const chain = causes(error);
  const innermost = chain.at(-1);
  const code = chain
    .map((link) => (link as { code?: unknown })?.code)
    .find((value) => typeof value === "string");
  const text = describeError(innermost);
  return code && !text.includes(String(code)) ? `${text} (${code})` : text;
}
