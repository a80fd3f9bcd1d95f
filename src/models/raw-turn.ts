import type { ChatCompletion } from "openai/resources/chat/completions";
import type { NativeToolCall } from "../core/messages.js";
import type { TokenUsage } from "../core/model-output.js";
import { excerpt, MalformedReplyError } from "./malformed-reply.js";

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
  reasoning_content?: unknown;
  reasoning?: unknown;
}

/** The reasoning text of a message or delta; anything but a string counts as none. */
export function reasoningText(fields: ReasoningFields): string | undefined {
  const value = fields.reasoning_content ?? fields.reasoning;
  return typeof value === "string" ? value : undefined;
}

export function usageFromWire(usage: ChatCompletion["usage"] | null | undefined): TokenUsage | undefined {
  if (!isRecord(usage)) return undefined;
  const cached = usage.prompt_tokens_details?.cached_tokens;
  return {
    promptTokens: count(usage.prompt_tokens),
    completionTokens: count(usage.completion_tokens),
    ...(typeof cached === "number" && Number.isFinite(cached) ? { cachedPromptTokens: cached } : {}),
  };
}

/**
 * A whole (non-streamed) chat completion, checked on the way in: a server or proxy that answers
 * 200 with something else (no choices, a message that is not an object, content that is not
 * text, a tool call without a name) fails here with a message that says which, instead of
 * passing for an empty reply. Content sent as a list of text parts is joined.
 */
export function rawTurnFromCompletion(completion: unknown): RawTurn {
  const malformed = (what: string) =>
    new MalformedReplyError(`answered 200 with ${what}: ${excerpt(JSON.stringify(completion) ?? "")}`);
  if (!isRecord(completion)) throw malformed("JSON that is not a chat completion");
  const { choices } = completion;
  if (choices === undefined && completion.error !== undefined) {
    const message = isRecord(completion.error) ? completion.error.message : completion.error;
    throw new MalformedReplyError(
      `answered 200 with an error instead of a chat completion: ${excerpt(typeof message === "string" ? message : JSON.stringify(message))}`,
    );
  }
  if (!Array.isArray(choices)) throw malformed("a chat completion without a list of choices");
  if (choices.length === 0) throw malformed("a chat completion with no choices");
  const choice: unknown = choices[0];
  if (!isRecord(choice) || !isRecord(choice.message))
    throw malformed("a chat completion whose choices[0].message is missing or not an object");
  const { message } = choice;
  return {
    content: messageContent(message.content, malformed),
    reasoning: reasoningText(message),
    toolCalls: toolCallsOf(message.tool_calls, malformed),
    finishReason: typeof choice.finish_reason === "string" ? choice.finish_reason : undefined,
    stopReason: choice.stop_reason,
    usage: usageFromWire(completion.usage as ChatCompletion["usage"]),
  };
}

function messageContent(content: unknown, malformed: (what: string) => Error): string {
  if (content === undefined || content === null) return "";
  if (typeof content === "string") return content;
  if (Array.isArray(content)) {
    return content.map((part) => (isRecord(part) && typeof part.text === "string" ? part.text : "")).join("");
  }
  throw malformed(`a message whose content is ${typeof content}, not text`);
}

function toolCallsOf(calls: unknown, malformed: (what: string) => Error): NativeToolCall[] {
  if (calls === undefined || calls === null) return [];
  if (!Array.isArray(calls)) throw malformed("a message whose tool_calls is not a list");
  const result: NativeToolCall[] = [];
  calls.forEach((call: unknown, index) => {
    if (isRecord(call) && call.type !== undefined && call.type !== "function") return;
    const fn = isRecord(call) ? call.function : undefined;
    if (!isRecord(fn) || typeof fn.name !== "string" || fn.name === "")
      throw malformed(`a tool call (tool_calls[${index}]) without a function name`);
    const args = fn.arguments;
    result.push({
      id: isRecord(call) && typeof call.id === "string" && call.id ? call.id : `call_${index}`,
      name: fn.name,
      // Some servers send the arguments as an object instead of a JSON string.
      arguments:
        typeof args === "string" ? args : args === undefined || args === null ? "" : JSON.stringify(args),
    });
  });
  return result;
}

function count(value: unknown): number {
  return typeof value === "number" && Number.isFinite(value) && value >= 0 ? value : 0;
}

// biome-ignore lint/suspicious/noExplicitAny: a record read from the wire, checked field by field.
export function isRecord(value: unknown): value is Record<string, any> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
