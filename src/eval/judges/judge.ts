import Mustache from "mustache";
import type { ModelConfig } from "../../core/config.js";
import { describeError, LoupeError } from "../../core/errors.js";
import { ChatClient, type ChatClientOptions } from "../../models/chat-client.js";
import type { JudgeCall } from "../eval-item.js";

/**
 * The LLM judge behind the judge scorers: one OpenAI-compatible model (base URL, model, key), an
 * optional prompt template (Mustache, read from the user's file) replacing the family's default,
 * and an optional parser name replacing the family's default parser. Transient failures are
 * retried by the chat client (`maxRetries`, as for any model); what still fails comes back as an
 * error for that item, never as a crash of the whole scoring.
 */
export interface JudgeSettings {
  model: ModelConfig;
  /** A Mustache template (the contents of `--judge-prompt FILE`); the family's default when absent. */
  template?: string;
  /** A parser from judge-parsers.ts; the family's default when absent. */
  parser?: string;
}

export type JudgeReply =
  | { ok: true; call: Omit<JudgeCall, "verdict">; text: string }
  | { ok: false; error: string; prompt: string };

export class Judge {
  readonly model: string;
  readonly template?: string;
  readonly parser?: string;
  private readonly client: ChatClient;

  constructor(settings: JudgeSettings, clientOptions: ChatClientOptions = {}) {
    this.model = settings.model.name;
    this.template = settings.template;
    if (settings.template !== undefined) checkTemplate(settings.template);
    this.parser = settings.parser;
    this.client = new ChatClient(settings.model, clientOptions);
  }

  /** Renders the prompt (the user's template or `defaultTemplate`) and asks the judge once. */
  async ask(
    defaultTemplate: string,
    values: Record<string, string>,
    signal?: AbortSignal,
  ): Promise<JudgeReply> {
    // Mustache with nothing escaped: it is a prompt, not HTML (as prompt packs render theirs).
    const prompt = Mustache.render(
      this.template ?? defaultTemplate,
      values,
      {},
      { escape: (text: string) => text },
    );
    try {
      const output = await this.client.complete({ messages: [{ role: "user", content: prompt }], signal });
      // A reasoning judge's verdict is in its content; a judge that only "thought" is read there.
      const text = output.content.trim() === "" ? (output.reasoning ?? "") : output.content;
      return { ok: true, call: { model: this.model, prompt, reply: text }, text };
    } catch (error) {
      return { ok: false, error: describeError(error), prompt };
    }
  }
}

/** A template Mustache cannot parse is the user's mistake, named before any judge call. */
function checkTemplate(template: string): void {
  try {
    Mustache.parse(template);
  } catch (error) {
    throw new LoupeError(
      "config",
      `The judge prompt template cannot be read as Mustache: ${describeError(error)}`,
    );
  }
}
