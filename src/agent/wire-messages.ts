import type {
  ChatCompletionContentPart,
  ChatCompletionMessageParam,
} from "openai/resources/chat/completions";
import type { ImageConfig, ModelConfig } from "../core/config.js";
import type { ImageSet } from "../core/image-set.js";
import type { Message } from "../core/messages.js";
import { bytesSentToModel, encodeForModel } from "../tools/image/model-view.js";

/**
 * Turns Loupe's conversation into OpenAI chat messages. The conversation is append-only, so this
 * converts each message once and keeps the result: step N costs only its new messages, and the
 * prefix sent to the server is byte-identical every step (its prefix cache stays valid). Each
 * image is sized for the model and encoded once per run, however often it is sent.
 */
export class WireMessages {
  readonly #images: ImageSet;
  readonly #view: ImageConfig["modelView"];
  readonly #transport: ModelConfig["imageTransport"];
  readonly #converted: ChatCompletionMessageParam[] = [];
  readonly #imageUrls = new Map<string, Promise<string>>();

  constructor(images: ImageSet, view: ImageConfig["modelView"], transport: ModelConfig["imageTransport"]) {
    this.#images = images;
    this.#view = view;
    this.#transport = transport;
  }

  async render(messages: readonly Message[]): Promise<ChatCompletionMessageParam[]> {
    for (let index = this.#converted.length; index < messages.length; index++) {
      const message = messages[index];
      if (message) this.#converted.push(await this.#convert(message));
    }
    return this.#converted.slice(0, messages.length);
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
        const parts: ChatCompletionContentPart[] = [];
        for (const part of message.content) {
          if (part.type === "text") parts.push({ type: "text", text: part.text });
          else parts.push({ type: "image_url", image_url: { url: await this.imageUrl(part.imageId) } });
        }
        return { role: "user", content: parts };
      }
    }
  }

  /** The URL the model gets for an image: a data URL of its model view, or its source URL. */
  imageUrl(imageId: string): Promise<string> {
    let url = this.#imageUrls.get(imageId);
    if (!url) {
      url = this.#encode(imageId);
      this.#imageUrls.set(imageId, url);
    }
    return url;
  }

  async #encode(imageId: string): Promise<string> {
    const ref = this.#images.byId(imageId);
    if (
      this.#transport === "url" &&
      ref?.provenance.kind === "input" &&
      /^https?:\/\//.test(ref.provenance.source)
    ) {
      return ref.provenance.source;
    }
    const bytes = this.#images.bytes(imageId);
    // Tool outputs are upright and plain (no EXIF rotation); when one already fits the pixel budget
    // it goes as it is: re-encoding would only cost time and quality, and the server's processor
    // rounds sizes to its patch grid itself.
    if (!ref) return dataUrl("image/jpeg", (await encodeForModel(bytes, this.#view)).bytes);
    const sent = await bytesSentToModel(ref, bytes, this.#view);
    return dataUrl(sent.mime, sent.bytes);
  }
}

function dataUrl(mime: string, bytes: Uint8Array): string {
  return `data:${mime};base64,${Buffer.from(bytes).toString("base64")}`;
}
