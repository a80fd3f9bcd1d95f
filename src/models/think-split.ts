/**
 * Reasoning models served without a reasoning parser put their thinking in `content`:
 * `<think>...</think>answer`. Qwen3-style chat templates open the think block in the prompt, so
 * the reply starts inside it and only the closing tag appears: `...reasoning</think>answer`.
 */
const OPEN = "<think>";
const CLOSE = "</think>";
/** An opening tag other than think's, such as `<tool_call>` or `<code>`. */
const MARKUP = /<(?!\/|think>)[A-Za-z_][\w-]*(?:\s[^<>]*)?>/;

export interface ThinkSplit {
  content: string;
  reasoning?: string;
}

export function splitThinking(text: string): ThinkSplit {
  const leading = text.length - text.trimStart().length;
  if (text.startsWith(OPEN, leading)) {
    const start = leading + OPEN.length;
    const end = text.indexOf(CLOSE, start);
    if (end < 0) {
      // A block that holds markup after it opens may hold an action (`<think>… <tool_call>{…}`):
      // only the dialect knows its action tags, so the text is left whole for it to split.
      if (MARKUP.test(text.slice(start))) return { content: text };
      // Otherwise the block was cut (max_tokens): all reasoning, there is no answer yet.
      return { content: "", reasoning: text.slice(start).trim() };
    }
    return { content: text.slice(end + CLOSE.length).trimStart(), reasoning: text.slice(start, end).trim() };
  }
  const close = text.indexOf(CLOSE);
  if (close >= 0 && !text.slice(0, close).includes(OPEN)) {
    return { content: text.slice(close + CLOSE.length).trimStart(), reasoning: text.slice(0, close).trim() };
  }
  return { content: text };
}

/**
 * Routes streamed content deltas of a reply that opens with `<think>` to the reasoning callback,
 * so a live view shows thinking as thinking. Only the explicit opening tag is recognised while
 * streaming; the final output is always re-split with `splitThinking`, which also handles the
 * implicit (closing-tag-only) form.
 */
export class ThinkStreamRouter {
  private state: "undecided" | "thinking" | "text" = "undecided";
  private held = "";

  constructor(
    private readonly onText: (text: string) => void,
    private readonly onReasoning: (text: string) => void,
  ) {}

  push(delta: string): void {
    this.held += delta;
    if (this.state === "undecided") {
      const trimmed = this.held.trimStart();
      if (trimmed.length < OPEN.length && OPEN.startsWith(trimmed)) return; // could still become <think>
      if (!trimmed.startsWith(OPEN)) {
        this.state = "text";
      } else {
        this.state = "thinking";
        this.held = trimmed.slice(OPEN.length);
      }
    }
    if (this.state === "thinking") {
      const end = this.held.indexOf(CLOSE);
      if (end >= 0) {
        if (end > 0) this.onReasoning(this.held.slice(0, end));
        this.held = this.held.slice(end + CLOSE.length);
        this.state = "text";
      } else {
        // Keep back a tail that might be the start of </think>.
        const safe = this.held.length - partialSuffixLength(this.held, CLOSE);
        if (safe > 0) this.onReasoning(this.held.slice(0, safe));
        this.held = this.held.slice(safe);
        return;
      }
    }
    if (this.held) this.onText(this.held);
    this.held = "";
  }

  /** Releases whatever was held back at the end of the stream. */
  flush(): void {
    if (!this.held) return;
    if (this.state === "thinking") this.onReasoning(this.held);
    else this.onText(this.held);
    this.held = "";
  }
}

/** Length of the longest suffix of `text` that is a proper prefix of `tag`. */
function partialSuffixLength(text: string, tag: string): number {
  for (let length = Math.min(tag.length - 1, text.length); length > 0; length--) {
    if (tag.startsWith(text.slice(text.length - length))) return length;
  }
  return 0;
}
