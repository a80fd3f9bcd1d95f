import type { ModelOutput } from "../core/model-output.js";
import type { ParsedTurn } from "../dialects/dialect.js";
import { splitReasoning } from "../dialects/think.js";

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
  // Native calls arrive beside the text, so their raw text is simply not found here.
  const raws = [...parsed.calls, ...parsed.errors]
    .map((action) => action.raw)
    .filter((raw) => raw.trim() && output.content.includes(raw))
    .sort((a, b) => output.content.indexOf(a) - output.content.indexOf(b));
  const text = textAround(output.content, raws);
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

/**
 * The visible text around the given action spans. Each span ends the text before it, so a
 * `<think>` left open before an action ends where the action begins (as the dialects read it),
 * and the text after the action is kept.
 */
function textAround(content: string, raws: readonly string[]): string {
  const pieces: string[] = [];
  let rest = content;
  for (const raw of raws) {
    const at = rest.indexOf(raw);
    if (at < 0) continue;
    pieces.push(rest.slice(0, at));
    // A `}` left right after `</tool_call>` (R1V4's figures) belongs to the call, not the answer.
    rest = rest.slice(at + raw.length).replace(/^[}\]]+/, "");
  }
  pieces.push(rest);
  return pieces
    .map(withoutThinking)
    .filter((piece) => piece !== "")
    .join("\n")
    .trim();
}

/** The text a reader sees: the content without its reasoning blocks. */
function visibleText(output: ModelOutput): string {
  return withoutThinking(output.content);
}

/**
 * Text with its reasoning removed as the dialects remove it: every <think> block (an unclosed one
 * runs to the end), the text before a `</think>` with no opening, a `</think>..</think>` pair.
 */
export function withoutThinking(text: string): string {
  return splitReasoning(text, undefined).text.trim();
}
