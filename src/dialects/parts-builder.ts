import { type ContentPart, imagePart, type Message, textPart } from "../core/messages.js";

/** Builds a user turn of text and images, merging neighbouring text so the parts stay few. */
export class PartsBuilder {
  readonly #parts: ContentPart[] = [];

  text(text: string): this {
    if (text === "") return this;
    const last = this.#parts[this.#parts.length - 1];
    if (last?.type === "text") last.text += text;
    else this.#parts.push(textPart(text));
    return this;
  }

  image(imageId: string): this {
    this.#parts.push(imagePart(imageId));
    return this;
  }

  get isEmpty(): boolean {
    return this.#parts.length === 0;
  }

  message(): Message {
    return { role: "user", content: [...this.#parts] };
  }
}
