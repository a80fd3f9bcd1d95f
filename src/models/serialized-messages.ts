import type { ChatCompletionMessageParam } from "openai/resources/chat/completions";

/**
 * Chat messages already in wire form: the UTF-8 JSON of each message, serialized once. An
 * agent's conversation is append-only, so it keeps these across steps and a request body is
 * them joined: nothing sent before is stringified again (a 100-image question would otherwise
 * re-serialize every image at every step), and the prefix is byte-identical from step to step.
 */
export class SerializedMessages {
  readonly #parts: readonly Uint8Array[];

  constructor(parts: readonly Uint8Array[]) {
    this.#parts = parts;
  }

  static of(messages: readonly ChatCompletionMessageParam[]): SerializedMessages {
    return new SerializedMessages(messages.map(serializeMessage));
  }

  get length(): number {
    return this.#parts.length;
  }

  /** The messages' JSON, one UTF-8 text each, in order. */
  get parts(): readonly Uint8Array[] {
    return this.#parts;
  }
}

/**
 * The messages of a request as plain objects, whichever form they come in: for model clients of
 * one's own (the ChatModel interface), which read them rather than send them on.
 */
export function plainMessages(
  messages: SerializedMessages | readonly ChatCompletionMessageParam[],
): ChatCompletionMessageParam[] {
  if (!(messages instanceof SerializedMessages)) return [...messages];
  const decoder = new TextDecoder();
  return messages.parts.map((part) => JSON.parse(decoder.decode(part)) as ChatCompletionMessageParam);
}

export function serializeMessage(message: ChatCompletionMessageParam): Uint8Array {
  return Buffer.from(JSON.stringify(message), "utf8");
}
