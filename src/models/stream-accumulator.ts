import type { ChatCompletionChunk } from "openai/resources/chat/completions";
import { excerpt, MalformedReplyError } from "./malformed-reply.js";
import { isRecord, type RawTurn, type ReasoningFields, reasoningText, usageFromWire } from "./raw-turn.js";

/**
 * Folds streamed chunks into one RawTurn. Tool calls arrive as pieces keyed by `index`: the
 * first piece usually carries id and name, later ones only argument fragments. A chunk of the
 * wrong shape (not an object, choices that are not a list, content that is not text) fails with
 * a MalformedReplyError that quotes it; `chars` lets the caller stop a reply that never ends.
 */
export class StreamAccumulator {
  private content = "";
  private reasoning: string | undefined;
  private readonly toolCalls = new Map<number, { id: string; name: string; arguments: string }>();
  private finishReason: string | undefined;
  private stopReason: unknown;
  private usage: RawTurn["usage"];
  /** Characters kept so far: content + reasoning + tool names and arguments. */
  chars = 0;
  /** Events received, and how many of them carried a choice. */
  events = 0;
  eventsWithChoices = 0;

  constructor(
    private readonly callbacks: {
      onContent?: (text: string) => void;
      onReasoning?: (text: string) => void;
    } = {},
  ) {}

  add(chunk: ChatCompletionChunk): void {
    const malformed = (what: string) =>
      new MalformedReplyError(
        `answered 200 with an event stream holding ${what}: ${excerpt(JSON.stringify(chunk) ?? "")}`,
      );
    this.events++;
    if (!isRecord(chunk)) throw malformed("an event that is not a chat completion chunk");
    if (chunk.usage) this.usage = usageFromWire(chunk.usage);
    if (chunk.choices === undefined || chunk.choices === null) return;
    if (!Array.isArray(chunk.choices)) throw malformed("an event whose choices is not a list");
    const choice: unknown = chunk.choices[0];
    if (choice === undefined) return;
    if (!isRecord(choice)) throw malformed("an event whose choice is not an object");
    this.eventsWithChoices++;
    const delta: unknown = choice.delta ?? {};
    if (!isRecord(delta)) throw malformed("an event whose delta is not an object");
    const reasoning = reasoningText(delta as ReasoningFields);
    if (reasoning) {
      this.reasoning = (this.reasoning ?? "") + reasoning;
      this.chars += reasoning.length;
      this.callbacks.onReasoning?.(reasoning);
    }
    if (delta.content !== undefined && delta.content !== null && typeof delta.content !== "string")
      throw malformed(`an event whose content is ${typeof delta.content}, not text`);
    if (delta.content) {
      this.content += delta.content;
      this.chars += delta.content.length;
      this.callbacks.onContent?.(delta.content);
    }
    if (delta.tool_calls !== undefined && delta.tool_calls !== null && !Array.isArray(delta.tool_calls))
      throw malformed("an event whose tool_calls is not a list");
    for (const piece of (delta.tool_calls ?? []) as unknown[]) {
      if (!isRecord(piece)) throw malformed("an event whose tool call piece is not an object");
      // Some servers leave out `index` when there is one call.
      const index = typeof piece.index === "number" ? piece.index : 0;
      const call = this.toolCalls.get(index) ?? { id: "", name: "", arguments: "" };
      const fn = isRecord(piece.function) ? piece.function : {};
      if (typeof piece.id === "string" && piece.id && !call.id) call.id = piece.id;
      if (typeof fn.name === "string") {
        call.name += fn.name;
        this.chars += fn.name.length;
      }
      if (typeof fn.arguments === "string") {
        call.arguments += fn.arguments;
        this.chars += fn.arguments.length;
      }
      this.toolCalls.set(index, call);
    }
    if (typeof choice.finish_reason === "string" && choice.finish_reason) {
      this.finishReason = choice.finish_reason;
      this.stopReason = choice.stop_reason;
    }
  }

  /** True once a chunk carried finish_reason: a stream that ends without one was cut off. */
  get finished(): boolean {
    return this.finishReason !== undefined;
  }

  result(): RawTurn {
    const toolCalls = [...this.toolCalls.entries()]
      .sort(([left], [right]) => left - right)
      .map(([index, call]) => ({ ...call, id: call.id || `call_${index}` }));
    return {
      content: this.content,
      reasoning: this.reasoning,
      toolCalls,
      finishReason: this.finishReason,
      stopReason: this.stopReason,
      usage: this.usage,
    };
  }
}
