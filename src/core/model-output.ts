import type { NativeToolCall } from "./messages.js";

export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
  /** Prompt tokens the server served from its prefix cache, when it says so. */
  cachedPromptTokens?: number;
}

export type FinishReason = "stop" | "length" | "tool_calls" | "content_filter" | "unknown";

/** One model turn, whatever the server or dialect: what the parsers and the loop consume. */
export interface ModelOutput {
  /** Visible content. For tag dialects the matched stop string is restored at its end. */
  content: string;
  /** Reasoning from `reasoning_content` (or `reasoning`), or from a leading <think> block. */
  reasoning?: string;
  toolCalls: NativeToolCall[];
  finishReason: FinishReason;
  /** The stop sequence that ended generation, when the server reported or we detected it. */
  stopSequence?: string;
  usage: TokenUsage;
}

export function addUsage(total: TokenUsage, more: TokenUsage): TokenUsage {
  return {
    promptTokens: total.promptTokens + more.promptTokens,
    completionTokens: total.completionTokens + more.completionTokens,
    cachedPromptTokens: (total.cachedPromptTokens ?? 0) + (more.cachedPromptTokens ?? 0),
  };
}

export const zeroUsage: TokenUsage = { promptTokens: 0, completionTokens: 0, cachedPromptTokens: 0 };
