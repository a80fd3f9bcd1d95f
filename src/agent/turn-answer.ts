import type { ModelOutput } from "../core/model-output.js";
import type { ParsedTurn } from "../dialects/dialect.js";

/**
 * A normal turn's answer: an explicit one, or the visible text of a turn that asked for nothing.
 * An empty answer is none: a blank reply is not an answer a script could tell from one.
 */
export function chooseAnswer(parsed: ParsedTurn, output: ModelOutput): string | undefined {
  if (parsed.answer !== undefined) return nonEmpty(parsed.answer);
  if (parsed.calls.length === 0 && parsed.errors.length === 0) return nonEmpty(visibleText(output));
  return undefined;
}

/**
 * The final-answer turn's answer. The model was asked to answer without tools but may still write
 * actions in its dialect's markup (an R1V4 `<tool_call>`): those spans are cut out of the visible
 * text, so markup never becomes the answer. Undefined when nothing else is left.
 */
export function finalTurnAnswer(parsed: ParsedTurn, output: ModelOutput): string | undefined {
  if (parsed.answer !== undefined) return nonEmpty(parsed.answer);
  let text = visibleText(output);
  for (const action of [...parsed.calls, ...parsed.errors]) {
    // Native calls arrive beside the text, so their raw text is simply not found here.
    if (action.raw.trim()) text = text.replace(action.raw, "");
  }
  text = text.trim();
  return text === "" ? undefined : text;
}

/**
 * Why a turn that asked for nothing gave no answer either, for the trajectory's error: an empty
 * reply, or one the server cut (max_tokens, a content filter) before any visible text.
 */
export function emptyReplyReason(output: ModelOutput): string {
  const besides = output.reasoning ? " beyond its reasoning" : "";
  if (output.finishReason === "length")
    return `the reply was cut at max_tokens (finish_reason "length") before it said anything${besides}`;
  if (output.finishReason === "content_filter")
    return `the server's content filter stopped the reply before it said anything${besides}`;
  return `the model's reply was empty${output.reasoning ? " (it held only reasoning)" : ""}`;
}

function nonEmpty(text: string): string | undefined {
  return text.trim() === "" ? undefined : text;
}

/** The text a reader sees: the content without its reasoning blocks. */
function visibleText(output: ModelOutput): string {
  return withoutThinking(output.content);
}

/** Text with every <think> block removed (an unclosed one runs to the end). */
export function withoutThinking(text: string): string {
  return text.replace(/<think>[\s\S]*?(<\/think>|$)/g, "").trim();
}
