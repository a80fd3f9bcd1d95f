import OpenAI from "openai";
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionCreateParams,
  ChatCompletionMessageParam,
} from "openai/resources/chat/completions";
import type { ModelConfig } from "../core/config.js";
import { maxTimerMs } from "../core/config-numbers.js";
import type { LoupeError } from "../core/errors.js";
import type { FunctionToolSpec } from "../core/messages.js";
import type { ModelOutput } from "../core/model-output.js";
import { finalizeOutput } from "./finalize-output.js";
import { classifyModelFailure, StreamDroppedError } from "./model-failure.js";
import { type RawTurn, rawTurnFromCompletion } from "./raw-turn.js";
import {
  cancelledError,
  defaultRetryPolicy,
  type RetryPolicy,
  retryDelayMs,
  sleepUnlessAborted,
} from "./retry-policy.js";
import { StreamAccumulator } from "./stream-accumulator.js";
import { ThinkStreamRouter } from "./think-split.js";

export interface ChatRequest {
  messages: ChatCompletionMessageParam[];
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

  constructor(
    private readonly config: ModelConfig,
    options: ChatClientOptions = {},
  ) {
    this.model = config.name;
    this.url = `${config.baseUrl.replace(/\/+$/, "")}/chat/completions`;
    this.client = new OpenAI({
      baseURL: config.baseUrl,
      // Local servers accept any key; the SDK refuses to start without one.
      apiKey: config.apiKey ?? "not-needed",
      maxRetries: 0,
      // Our own signal enforces timeoutMs over the whole stream; this only backs it up.
      timeout: Math.min(maxTimerMs, config.timeoutMs + 1_000),
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
      const timeout = new AbortController();
      const timer = setTimeout(
        () => timeout.abort(new Error("model request timed out")),
        this.config.timeoutMs,
      );
      const signal = request.signal ? AbortSignal.any([request.signal, timeout.signal]) : timeout.signal;
      try {
        const raw = this.config.stream
          ? await this.streamOnce(body, signal, request)
          : await this.requestOnce(body, signal);
        return finalizeOutput(raw, finalizeOptions);
      } catch (error) {
        if (request.signal?.aborted) throw cancelledError(request.signal);
        const failure = classifyModelFailure(error, {
          url: this.url,
          timeoutMs: this.config.timeoutMs,
          timedOut: timeout.signal.aborted,
          attempts: attempt,
        });
        if (!failure.retryable || attempt > this.retryPolicy.maxRetries) throw failure.error;
        const delayMs = retryDelayMs(this.retryPolicy, attempt, failure.retryAfterMs);
        request.onRetry?.({ attempt, delayMs, error: failure.error });
        await sleepUnlessAborted(delayMs, request.signal);
      } finally {
        clearTimeout(timer);
      }
    }
  }

  private requestBody(request: ChatRequest): Record<string, unknown> {
    const { config } = this;
    const body: Record<string, unknown> = {
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
      messages: request.messages,
      stream: config.stream,
    };
    if (config.stream) {
      const extraOptions = config.extraBody.stream_options;
      body.stream_options = {
        ...(typeof extraOptions === "object" ? extraOptions : {}),
        include_usage: true,
      };
    }
    return body;
  }

  private async requestOnce(body: Record<string, unknown>, signal: AbortSignal): Promise<RawTurn> {
    const completion = (await this.client.chat.completions.create(
      body as unknown as ChatCompletionCreateParams,
      {
        signal,
      },
    )) as ChatCompletion;
    return rawTurnFromCompletion(completion);
  }

  private async streamOnce(
    body: Record<string, unknown>,
    signal: AbortSignal,
    request: ChatRequest,
  ): Promise<RawTurn> {
    const stream = (await this.client.chat.completions.create(body as unknown as ChatCompletionCreateParams, {
      signal,
    })) as AsyncIterable<ChatCompletionChunk>;
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
    for await (const chunk of stream) accumulator.add(chunk);
    // The SDK ends iteration quietly when the signal aborts, so a silent end is checked here.
    if (signal.aborted) throw signal.reason ?? new Error("aborted");
    if (!accumulator.finished) throw new StreamDroppedError();
    router?.flush();
    return accumulator.result();
  }
}
