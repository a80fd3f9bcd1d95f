import type { ChatCompletionChunk } from "openai/resources/chat/completions";
import { type RawTurn, type ReasoningFields, reasoningText, usageFromWire } from "./raw-turn.js";

/**
 * Folds streamed chunks into one RawTurn. Tool calls arrive as pieces keyed by `index`: the
 * first piece usually carries id and name, later ones only argument fragments.
 */
export class StreamAccumulator {
  private content = "";
  private reasoning: string | undefined;
  private readonly toolCalls = new Map<number, { id: string; name: string; arguments: string }>();
  private finishReason: string | undefined;
  private stopReason: unknown;
  private usage: RawTurn["usage"];

  constructor(
    private readonly callbacks: {
      onContent?: (text: string) => void;
      onReasoning?: (text: string) => void;
    } = {},
  ) {}

  add(chunk: ChatCompletionChunk): void {
    if (chunk.usage) this.usage = usageFromWire(chunk.usage);
    const choice = chunk.choices?.[0];
    if (!choice) return;
    const delta = choice.delta ?? {};
    const reasoning = reasoningText(delta as ReasoningFields);
    if (reasoning) {
      this.reasoning = (this.reasoning ?? "") + reasoning;
      this.callbacks.onReasoning?.(reasoning);
    }
    if (delta.content) {
      this.content += delta.content;
      this.callbacks.onContent?.(delta.content);
    }
    for (const piece of delta.tool_calls ?? []) {
      const call = this.toolCalls.get(piece.index) ?? { id: "", name: "", arguments: "" };
      if (piece.id && !call.id) call.id = piece.id;
      if (piece.function?.name) call.name += piece.function.name;
      if (piece.function?.arguments) call.arguments += piece.function.arguments;
      this.toolCalls.set(piece.index, call);
    }
    if (choice.finish_reason) {
      this.finishReason = choice.finish_reason;
      this.stopReason = (choice as { stop_reason?: unknown }).stop_reason;
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
