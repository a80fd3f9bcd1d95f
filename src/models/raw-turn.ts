import type { ChatCompletion } from "openai/resources/chat/completions";
import type { NativeToolCall } from "../core/messages.js";
import type { TokenUsage } from "../core/model-output.js";

/**
 * One model reply exactly as the server sent it, before Loupe's post-processing (think split,
 * stop restore). Streaming and non-streaming responses both end up in this shape.
 */
export interface RawTurn {
  content: string;
  /** From `reasoning_content` or `reasoning`; undefined when the server sent neither. */
  reasoning?: string;
  toolCalls: NativeToolCall[];
  /** The server's finish_reason, verbatim; undefined when it never sent one. */
  finishReason?: string;
  /** vLLM's `stop_reason`: the matched stop string or token id. */
  stopReason?: unknown;
  usage?: TokenUsage;
}

/** Fields some OpenAI-compatible servers add to messages and deltas. */
export interface ReasoningFields {
  reasoning_content?: string | null;
  reasoning?: string | null;
}

export function reasoningText(fields: ReasoningFields): string | undefined {
  return fields.reasoning_content ?? fields.reasoning ?? undefined;
}

export function usageFromWire(usage: ChatCompletion["usage"] | null | undefined): TokenUsage | undefined {
  if (!usage) return undefined;
  const cached = usage.prompt_tokens_details?.cached_tokens;
  return {
    promptTokens: usage.prompt_tokens ?? 0,
    completionTokens: usage.completion_tokens ?? 0,
    ...(typeof cached === "number" ? { cachedPromptTokens: cached } : {}),
  };
}

export function rawTurnFromCompletion(completion: ChatCompletion): RawTurn {
  const choice = completion.choices?.[0];
  const message = choice?.message;
  const toolCalls: NativeToolCall[] = [];
  for (const call of message?.tool_calls ?? []) {
    if (call.type !== "function") continue;
    toolCalls.push({ id: call.id, name: call.function.name, arguments: call.function.arguments ?? "" });
  }
  return {
    content: message?.content ?? "",
    reasoning: message ? reasoningText(message as ReasoningFields) : undefined,
    toolCalls,
    finishReason: choice?.finish_reason ?? undefined,
    stopReason: (choice as { stop_reason?: unknown } | undefined)?.stop_reason,
    usage: usageFromWire(completion.usage),
  };
}
