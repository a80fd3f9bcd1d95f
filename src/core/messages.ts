/**
 * The conversation as Loupe keeps it: provider-neutral, with images referenced by id so a
 * trajectory stays small and lossless. apps/agent turn it into a provider's wire format.
 */
export type ContentPart = { type: "text"; text: string } | { type: "image"; imageId: string };

/** A tool call as the model wrote it in native function calling (arguments still a JSON string). */
export interface NativeToolCall {
  id: string;
  name: string;
  arguments: string;
}

export type Message =
  | { role: "system"; content: string }
  | { role: "user"; content: ContentPart[] }
  | { role: "assistant"; content: string; reasoning?: string; toolCalls?: NativeToolCall[] }
  | { role: "tool"; toolCallId: string; content: string };

export function textPart(text: string): ContentPart {
  return { type: "text", text };
}

export function imagePart(imageId: string): ContentPart {
  return { type: "image", imageId };
}

export function userMessage(...parts: ContentPart[]): Message {
  return { role: "user", content: parts };
}

/** A function tool for the chat API's `tools` field (native function calling). */
export interface FunctionToolSpec {
  type: "function";
  function: { name: string; description: string; parameters: Record<string, unknown> };
}
