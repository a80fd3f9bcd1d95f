import type {
  ChatCompletionContentPart,
  ChatCompletionMessageParam,
} from "openai/resources/chat/completions";
import type { ImageConfig, ModelConfig } from "../core/config.js";
import type { ImageSet } from "../core/image-set.js";
import type { Message } from "../core/messages.js";
import { bytesSentToModel, encodeForModel } from "../images/model-view.js";
import { SerializedMessages, serializeMessage } from "../models/serialized-messages.js";

/**
 * Turns Loupe's conversation into OpenAI chat messages. The conversation is append-only, so this
 * converts and serializes each message once and keeps its JSON: step N costs only its new
 * messages, the request body is the kept JSON joined (models/serialized-messages.ts), and the
 * prefix sent to the server is byte-identical every step (its prefix cache stays valid). The
 * images of a message are sized for the model and encoded in parallel, through the process's
 * view cache (tools/image/view-cache.ts), so an image is encoded once however often it is sent.
 */
export class WireMessages {
  readonly #images: ImageSet;
  readonly #view: ImageConfig["modelView"];
  readonly #transport: ModelConfig["imageTransport"];
  readonly #serialized: Uint8Array[] = [];

  constructor(images: ImageSet, view: ImageConfig["modelView"], transport: ModelConfig["imageTransport"]) {
    this.#images = images;
    this.#view = view;
    this.#transport = transport;
  }

  async render(messages: readonly Message[]): Promise<SerializedMessages> {
    for (let index = this.#serialized.length; index < messages.length; index++) {
      const message = messages[index];
      if (message) this.#serialized.push(serializeMessage(await this.#convert(message)));
    }
    return new SerializedMessages(this.#serialized.slice(0, messages.length));
  }

  async #convert(message: Message): Promise<ChatCompletionMessageParam> {
    switch (message.role) {
      case "system":
        return { role: "system", content: message.content };
      case "tool":
        return { role: "tool", tool_call_id: message.toolCallId, content: message.content };
      case "assistant":
        if (message.toolCalls && message.toolCalls.length > 0) {
          return {
            role: "assistant",
            content: message.content || null,
            tool_calls: message.toolCalls.map((call) => ({
              id: call.id,
              type: "function" as const,
              function: { name: call.name, arguments: call.arguments },
            })),
          };
        }
        return { role: "assistant", content: message.content };
      case "user": {
        // Every image of the message at once: the view cache bounds how many encode together.
        const parts: ChatCompletionContentPart[] = await Promise.all(
          message.content.map(
            async (part): Promise<ChatCompletionContentPart> =>
              part.type === "text"
                ? { type: "text", text: part.text }
                : { type: "image_url", image_url: { url: await this.#imageUrl(part.imageId) } },
          ),
        );
        return { role: "user", content: parts };
      }
    }
  }

  /** The URL the model gets for an image: a data URL of its model view, or its source URL. */
  async #imageUrl(imageId: string): Promise<string> {
    const ref = this.#images.byId(imageId);
    if (
      this.#transport === "url" &&
      ref?.provenance.kind === "input" &&
      /^https?:\/\//.test(ref.provenance.source)
    ) {
      return ref.provenance.source;
    }
    const bytes = this.#images.bytes(imageId);
    if (!ref) return dataUrl("image/jpeg", (await encodeForModel(bytes, this.#view)).bytes);
    const sent = await bytesSentToModel(ref, bytes, this.#view);
    return dataUrl(sent.mime, sent.bytes);
  }
}

function dataUrl(mime: string, bytes: Uint8Array): string {
  return `data:${mime};base64,${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64")}`;
}
