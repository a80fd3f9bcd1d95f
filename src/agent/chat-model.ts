import type { ChatCompletionMessageParam } from "openai/resources/chat/completions";
import type { LoupeError } from "../core/errors.js";
import type { FunctionToolSpec } from "../core/messages.js";
import type { ModelOutput } from "../core/model-output.js";

/** What the loop needs from a model client (models/ChatClient is one; tests may pass another server's). */
export interface ChatModelRequest {
  messages: ChatCompletionMessageParam[];
  stop?: string[];
  tools?: FunctionToolSpec[];
  parallelToolCalls?: boolean;
  restoreStopSequence?: boolean;
  signal?: AbortSignal;
  onTextDelta?: (text: string) => void;
  onReasoningDelta?: (text: string) => void;
  onRetry?: (info: { attempt: number; delayMs: number; error: LoupeError }) => void;
}

export interface ChatModel {
  readonly model: string;
  complete(request: ChatModelRequest): Promise<ModelOutput>;
}
