import type { ModelConfig } from "../core/config.js";
import { LoupeError } from "../core/errors.js";
import type { ModelOutput } from "../core/model-output.js";
import type { RawTurn } from "./raw-turn.js";

/**
 * A reply's size limit. A model stuck repeating itself on a server that ignores max_tokens (or
 * has none set) streams forever; without a limit the client grows until the process dies. The
 * limit counts what the turn keeps: content, reasoning, tool names and arguments.
 */
export interface ReplyLimit {
  maxChars: number;
  /** What set the limit, as the message names it. */
  source: string;
  /**
   * Most bytes of one server-sent event (or of a whole non-streamed body) before it ends. This
   * bounds what the SDK buffers while it waits for an event's end, which the character count
   * cannot see: UTF-8 and JSON escapes take up to 6 bytes a character, plus room for the envelope.
   */
  maxEventBytes: number;
}

/** Characters a token can stand for, generously: long whitespace and word tokens run to ~20. */
const charsPerToken = 32;

export function replyLimit(config: Pick<ModelConfig, "maxReplyChars" | "maxTokens">): ReplyLimit {
  const byTokens =
    config.maxTokens === undefined ? Number.POSITIVE_INFINITY : config.maxTokens * charsPerToken;
  const [maxChars, source] =
    byTokens < config.maxReplyChars
      ? [byTokens, `model.maxTokens ${config.maxTokens} × ${charsPerToken}`]
      : [config.maxReplyChars, "model.maxReplyChars"];
  return { maxChars, source, maxEventBytes: maxChars * 8 + 64 * 1024 };
}

/** Thrown inside one attempt when the reply passes its limit; `partial` is what had arrived. */
export class ReplyLimitReached extends Error {
  constructor(
    readonly partial: RawTurn,
    /** How it passed: "5,012 arrived (content ..., ...)" or "one event passed N bytes". */
    readonly detail: string,
  ) {
    super(`the reply passed its size limit: ${detail}`);
    this.name = "ReplyLimitReached";
  }
}

/** Thrown by the body watch when one event (or a non-streamed body) passes maxEventBytes. */
export class OversizedBodyError extends Error {
  constructor(readonly detail: string) {
    super(detail);
    this.name = "OversizedBodyError";
  }
}

/**
 * A turn given up because its reply passed the size limit. Not retried: the same prompt would
 * most likely loop again, and each try costs the whole limit. `partial` is the reply up to the
 * cut, finish reason "length", so the run can keep it in its trajectory.
 */
export class ReplyTooLongError extends LoupeError {
  readonly partial: ModelOutput;

  constructor(message: string, partial: ModelOutput) {
    super("model-output", message, {
      hint:
        "The model may be repeating itself, or the server ignores max_tokens: set model.maxTokens " +
        "(--max-output-tokens), or raise model.maxReplyChars if replies this long are expected.",
    });
    this.name = "ReplyTooLongError";
    this.partial = partial;
  }
}

/** How many characters a turn holds, as the limit counts them. */
export function replyChars(turn: RawTurn): {
  total: number;
  content: number;
  reasoning: number;
  toolCalls: number;
} {
  const content = turn.content.length;
  const reasoning = turn.reasoning?.length ?? 0;
  const toolCalls = turn.toolCalls.reduce((sum, call) => sum + call.name.length + call.arguments.length, 0);
  return { total: content + reasoning + toolCalls, content, reasoning, toolCalls };
}

export function formatCount(value: number): string {
  return value.toLocaleString("en-US");
}
