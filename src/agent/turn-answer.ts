import type { ModelOutput } from "../core/model-output.js";
import type { ParsedTurn } from "../dialects/dialect.js";

/** A normal turn's answer: an explicit one, or the visible text of a turn that asked for nothing. */
export function chooseAnswer(parsed: ParsedTurn, output: ModelOutput): string | undefined {
  if (parsed.answer !== undefined) return parsed.answer;
  if (parsed.calls.length === 0 && parsed.errors.length === 0) return visibleText(output);
  return undefined;
}

/**
 * The final-answer turn's answer. The model was asked to answer without tools but may still write
 * actions in its dialect's markup (an R1V4 `<tool_call>`): those spans are cut out of the visible
 * text, so markup never becomes the answer. Undefined when nothing else is left.
 */
export function finalTurnAnswer(parsed: ParsedTurn, output: ModelOutput): string | undefined {
  if (parsed.answer !== undefined) return parsed.answer;
  let text = visibleText(output);
  for (const action of [...parsed.calls, ...parsed.errors]) {
    // Native calls arrive beside the text, so their raw text is simply not found here.
    if (action.raw.trim()) text = text.replace(action.raw, "");
  }
  text = text.trim();
  return text === "" ? undefined : text;
}

/** The text a reader sees: the content without its reasoning blocks. */
function visibleText(output: ModelOutput): string {
  return withoutThinking(output.content);
}

/** Text with every <think> block removed (an unclosed one runs to the end). */
export function withoutThinking(text: string): string {
  return text.replace(/<think>[\s\S]*?(<\/think>|$)/g, "").trim();
}
