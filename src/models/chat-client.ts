import OpenAI from "openai";
import type { ChatCompletionChunk, ChatCompletionMessageParam } from "openai/resources/chat/completions";
import { Stream } from "openai/streaming";
import type { ModelConfig } from "../core/config.js";
import { maxTimerMs } from "../core/config-numbers.js";
import type { LoupeError } from "../core/errors.js";
import type { FunctionToolSpec } from "../core/messages.js";
import type { ModelOutput } from "../core/model-output.js";
import { AttemptWatch } from "./attempt-watch.js";
import { finalizeOutput } from "./finalize-output.js";
import { excerpt, htmlPageError, isHtml, MalformedReplyError } from "./malformed-reply.js";
import { classifyModelFailure, StreamDroppedError } from "./model-failure.js";
import { type RawTurn, rawTurnFromCompletion } from "./raw-turn.js";
import {
  formatCount,
  OversizedBodyError,
  type ReplyLimit,
  ReplyLimitReached,
  ReplyTooLongError,
  replyChars,
  replyLimit,
} from "./reply-limit.js";
import {
  cancelledError,
  defaultRetryPolicy,
  type RetryPolicy,
  retryDelayMs,
  sleepUnlessAborted,
} from "./retry-policy.js";
import { SerializedMessages } from "./serialized-messages.js";
import { StreamAccumulator } from "./stream-accumulator.js";
import { ThinkStreamRouter } from "./think-split.js";

export interface ChatRequest {
  /** The conversation: messages, or messages already serialized once each (the agent's). */
  messages: ChatCompletionMessageParam[] | SerializedMessages;
  stop?: string[];
  tools?: FunctionToolSpec[];
  parallelToolCalls?: boolean;
  /** Append the matched stop string to the content (tag dialects that stop at a closing tag). */
  restoreStopSequence?: boolean;
  signal?: AbortSignal;
  onTextDelta?: (text: string) => void;
  onReasoningDelta?: (text: string) => void;
  /**
   * Called before each retry. Deltas already delivered belong to the failed attempt: a live view
   * should discard them.
   */
  onRetry?: (info: { attempt: number; delayMs: number; error: LoupeError }) => void;
  /** Called every few seconds while the server sends nothing, with how long it has been. */
  onWait?: (info: { attempt: number; waitedMs: number }) => void;
}

/** Knobs that are not part of the user's config: tests shrink the backoff to stay fast. */
export interface ChatClientOptions {
  retryBaseDelayMs?: number;
  retryMaxDelayMs?: number;
  random?: () => number;
}

/**
 * Talks to one OpenAI-compatible chat completions endpoint (vLLM, Ollama, SGLang, hosted APIs).
 * Retries are ours, not the SDK's, so that a stream dropped half-way is retried like any other
 * transient failure, and the timeout covers the whole streamed reply.
 */
export class ChatClient {
  readonly model: string;
  private readonly client: OpenAI;
  private readonly retryPolicy: RetryPolicy;
  private readonly url: string;
  private readonly limit: ReplyLimit;

  constructor(
    private readonly config: ModelConfig,
    options: ChatClientOptions = {},
  ) {
    this.model = config.name;
    this.url = `${config.baseUrl.replace(/\/+$/, "")}/chat/completions`;
    this.limit = replyLimit(config);
    this.client = new OpenAI({
      baseURL: config.baseUrl,
      // Local servers accept any key; the SDK refuses to start without one.
      apiKey: config.apiKey ?? "not-needed",
      maxRetries: 0,
      // Our own signal enforces timeoutMs over the whole stream; this only backs it up.
      timeout: Math.min(maxTimerMs, config.timeoutMs + 1_000),
      logLevel: "off",
    });
    this.retryPolicy = {
      ...defaultRetryPolicy,
      maxRetries: config.maxRetries,
      ...(options.retryBaseDelayMs === undefined ? {} : { baseDelayMs: options.retryBaseDelayMs }),
      ...(options.retryMaxDelayMs === undefined ? {} : { maxDelayMs: options.retryMaxDelayMs }),
      ...(options.random === undefined ? {} : { random: options.random }),
    };
  }

  async complete(request: ChatRequest): Promise<ModelOutput> {
    const body = this.requestBody(request);
    const finalizeOptions = {
      stops: request.stop ?? [],
      restoreStopSequence: request.restoreStopSequence ?? false,
    };
    for (let attempt = 1; ; attempt++) {
      if (request.signal?.aborted) throw cancelledError(request.signal);
      const watch = new AttemptWatch({
        timeoutMs: this.config.timeoutMs,
        idleTimeoutMs: this.config.idleTimeoutMs,
        idleBeforeHeaders: this.config.stream,
        maxEventBytes: this.limit.maxEventBytes,
        signal: request.signal,
        onWait: request.onWait ? (waitedMs) => request.onWait?.({ attempt, waitedMs }) : undefined,
      });
      try {
        return finalizeOutput(await this.attemptOnce(body, watch, request), finalizeOptions);
      } catch (error) {
        if (request.signal?.aborted) throw cancelledError(request.signal);
        if (error instanceof ReplyLimitReached) {
          const partial = finalizeOutput({ ...error.partial, finishReason: "length" }, finalizeOptions);
          throw new ReplyTooLongError(
            `Model server at ${this.url}: the reply passed ${formatCount(this.limit.maxChars)} characters ` +
              `(${this.limit.source}) without finishing: ${error.detail}; the request was stopped.`,
            partial,
          );
        }
        const failure = classifyModelFailure(error, {
          url: this.url,
          timeoutMs: this.config.timeoutMs,
          idleTimeoutMs: this.config.idleTimeoutMs,
          timedOut: watch.timedOut,
          idledOut: watch.idledOut,
          attempts: attempt,
        });
        if (!failure.retryable || attempt > this.retryPolicy.maxRetries) throw failure.error;
        const delayMs = retryDelayMs(this.retryPolicy, attempt, failure.retryAfterMs);
        request.onRetry?.({ attempt, delayMs, error: failure.error });
        await sleepUnlessAborted(delayMs, request.signal);
      } finally {
        watch.dispose();
      }
    }
  }

  /**
   * The request body as UTF-8 JSON, built once per request (retries send the same bytes): the
   * settings serialized, then the messages' JSON joined in, each message serialized only once.
   */
  private requestBody(request: ChatRequest): Uint8Array {
    const { config } = this;
    const fields: Record<string, unknown> = {
      ...(config.temperature === undefined ? {} : { temperature: config.temperature }),
      ...(config.topP === undefined ? {} : { top_p: config.topP }),
      ...(config.maxTokens === undefined ? {} : { max_tokens: config.maxTokens }),
      ...(request.stop && request.stop.length > 0 ? { stop: request.stop } : {}),
      ...(request.tools && request.tools.length > 0 ? { tools: request.tools } : {}),
      ...(request.tools?.length && request.parallelToolCalls !== undefined
        ? { parallel_tool_calls: request.parallelToolCalls }
        : {}),
      // Server-specific fields (top_k, chat_template_kwargs, enable_search, ...) pass through.
      ...config.extraBody,
      model: config.name,
      stream: config.stream,
    };
    // The messages are ours, whatever extraBody says.
    delete fields.messages;
    if (config.stream) {
      const extraOptions = config.extraBody.stream_options;
      fields.stream_options = {
        ...(typeof extraOptions === "object" ? extraOptions : {}),
        include_usage: true,
      };
    }
    const messages =
      request.messages instanceof SerializedMessages
        ? request.messages
        : SerializedMessages.of(request.messages);
    const head = JSON.stringify(fields);
    const pieces: Uint8Array[] = [Buffer.from(`${head.slice(0, -1)},"messages":[`)];
    messages.parts.forEach((part, index) => {
      if (index > 0) pieces.push(comma);
      pieces.push(part);
    });
    pieces.push(closing);
    return Buffer.concat(pieces);
  }

  /**
   * One request, read by what the server actually sent: an event stream is folded chunk by chunk,
   * JSON is a whole completion (also when a stream was asked for and the server ignored that),
   * and an HTML page is named as such.
   */
  private async attemptOnce(body: Uint8Array, watch: AttemptWatch, request: ChatRequest): Promise<RawTurn> {
    const unparsed: { data?: unknown } = {};
    const client = this.client.withOptions({
      fetch: watch.fetch,
      // The SDK logs an event it cannot parse before throwing; keep it to quote in the error.
      logLevel: "error",
      logger: {
        error: (_message: string, data?: unknown) => {
          if (typeof data === "string" && unparsed.data === undefined) unparsed.data = data;
        },
        warn: () => {},
        info: () => {},
        debug: () => {},
      },
    });
    // The SDK's chat.completions.create would serialize a body object again; posting the bytes
    // keeps everything else it does (headers, status errors, the fetch above).
    const response = await client
      .post("/chat/completions", {
        body,
        headers: { "content-type": "application/json" },
        stream: this.config.stream,
        signal: watch.signal,
      })
      .asResponse();
    const mediaType = response.headers.get("content-type")?.split(";")[0]?.trim().toLowerCase();
    if (
      mediaType === "text/event-stream" ||
      (this.config.stream && !isJsonType(mediaType) && !isHtml(mediaType))
    )
      return this.readStream(response, { watch, request, client, unparsed });
    const text = await this.readText(response);
    if (isHtml(mediaType, text)) throw htmlPageError(response.status, text);
    let completion: unknown;
    try {
      completion = JSON.parse(text);
    } catch {
      throw new MalformedReplyError(
        `answered ${response.status} with a body that is not JSON (${mediaType ?? "no content type"}): ${excerpt(text)}`,
      );
    }
    const turn = rawTurnFromCompletion(completion);
    const chars = replyChars(turn);
    if (chars.total > this.limit.maxChars) throw new ReplyLimitReached(turn, describeChars(chars));
    return turn;
  }

  /** The body as text; past the size limit, what had arrived of the message's content is kept. */
  private async readText(response: Response): Promise<string> {
    if (!response.body) return "";
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let text = "";
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return text + decoder.decode();
        text += decoder.decode(value, { stream: true });
      }
    } catch (error) {
      if (error instanceof OversizedBodyError) {
        const content = contentPrefix(text).slice(0, this.limit.maxChars);
        throw new ReplyLimitReached({ content, toolCalls: [] }, error.detail);
      }
      throw error;
    }
  }

  private async readStream(
    response: Response,
    attempt: { watch: AttemptWatch; request: ChatRequest; client: OpenAI; unparsed: { data?: unknown } },
  ): Promise<RawTurn> {
    const { watch, request, client, unparsed } = attempt;
    const stream = Stream.fromSSEResponse<ChatCompletionChunk>(response, watch.controller, client);
    const router =
      request.onTextDelta || request.onReasoningDelta
        ? new ThinkStreamRouter(
            (text) => request.onTextDelta?.(text),
            (text) => request.onReasoningDelta?.(text),
          )
        : undefined;
    const accumulator = new StreamAccumulator({
      onContent: (text) => router?.push(text),
      onReasoning: (text) => request.onReasoningDelta?.(text),
    });
    try {
      for await (const chunk of stream) {
        accumulator.add(chunk);
        if (accumulator.chars > this.limit.maxChars) {
          const turn = accumulator.result();
          throw new ReplyLimitReached(turn, describeChars(replyChars(turn)));
        }
      }
    } catch (error) {
      if (error instanceof OversizedBodyError)
        throw new ReplyLimitReached(accumulator.result(), error.detail);
      if (error instanceof SyntaxError) {
        const data = typeof unparsed.data === "string" ? unparsed.data : error.message;
        throw new MalformedReplyError(
          `answered ${response.status} with an event stream holding an event that is not JSON: ${excerpt(data)}`,
        );
      }
      throw error;
    }
    // The SDK ends iteration quietly when the signal aborts, so a silent end is checked here.
    if (watch.signal.aborted) {
      // A server that sent the whole reply and then neither [DONE] nor closed: the reply is whole.
      if (watch.idledOut && accumulator.finished) return this.finishStream(accumulator, router);
      throw watch.signal.reason ?? new Error("aborted");
    }
    if (!accumulator.finished) {
      if (accumulator.events === 0)
        throw new MalformedReplyError(`answered ${response.status} with an event stream that held no events`);
      if (accumulator.eventsWithChoices === 0)
        throw new MalformedReplyError(
          `answered ${response.status} with an event stream whose ${accumulator.events} events carried no choices`,
        );
      throw new StreamDroppedError();
    }
    return this.finishStream(accumulator, router);
  }

  private finishStream(accumulator: StreamAccumulator, router: ThinkStreamRouter | undefined): RawTurn {
    router?.flush();
    return accumulator.result();
  }
}

/**
 * The message content in the start of a completion's JSON that was cut off: the string after
 * `"content":"`, decoded as far as it is whole. Empty when the cut came before it.
 */
function contentPrefix(json: string): string {
  const start = /"content"\s*:\s*"/.exec(json);
  if (!start) return "";
  let rest = json.slice(start.index + start[0].length);
  const end = /(^|[^\\])(\\\\)*"/.exec(rest);
  if (end) rest = rest.slice(0, end.index + end[0].length - 1);
  // An escape cut in half (\u00 or a lone backslash) ends the decodable part.
  for (let trim = 0; trim <= 6 && trim <= rest.length; trim++) {
    try {
      return JSON.parse(`"${rest.slice(0, rest.length - trim)}"`) as string;
    } catch {}
  }
  return "";
}

const comma = Buffer.from(",");
const closing = Buffer.from("]}");

function isJsonType(mediaType: string | undefined): boolean {
  return mediaType !== undefined && (mediaType.includes("application/json") || mediaType.endsWith("+json"));
}

function describeChars(chars: ReturnType<typeof replyChars>): string {
  return (
    `${formatCount(chars.total)} arrived (content ${formatCount(chars.content)}, ` +
    `reasoning ${formatCount(chars.reasoning)}, tool calls ${formatCount(chars.toolCalls)})`
  );
}
