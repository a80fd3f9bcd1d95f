export interface SplitReasoning {
  /** The reasoning, joined from the server's reasoning field and every think block; undefined if none. */
  reasoning?: string;
  /** The content with the reasoning blocks removed. */
  text: string;
}

/**
 * Separates reasoning from actions. Handles the shapes seen in practice: `<think>..</think>`
 * blocks (several, for interleaved thinking), a `</think>` with no opening tag (chat templates
 * that put `<think>` in the prompt), a `</think>` used as the opening tag (`</think>..</think>`),
 * and an unclosed `<think>`, which ends where the first action tag begins (or at the end of the
 * text). `tags` lists the reasoning tag names (think, reasoning).
 */
export function splitReasoning(
  content: string,
  serverReasoning: string | undefined,
  tags: readonly string[] = ["think"],
  actionTags: readonly string[] = [],
): SplitReasoning {
  const pieces: string[] = [];
  if (serverReasoning?.trim()) pieces.push(serverReasoning.trim());
  let text = content;
  for (const tag of tags) text = removeBlocks(text, tag, actionTags, pieces);
  const reasoning = pieces.join("\n\n");
  return { reasoning: reasoning === "" ? undefined : reasoning, text };
}

function removeBlocks(content: string, tag: string, actionTags: readonly string[], pieces: string[]): string {
  const open = `<${tag}>`;
  const close = `</${tag}>`;
  let text = content;
  const firstClose = text.indexOf(close);
  const firstOpen = text.indexOf(open);
  if (firstClose >= 0 && (firstOpen < 0 || firstClose < firstOpen)) {
    const before = text.slice(0, firstClose);
    const after = firstClose + close.length;
    const secondClose = text.indexOf(close, after);
    const nextOpen = text.indexOf(open, after);
    if (before.trim() === "" && secondClose >= 0 && (nextOpen < 0 || secondClose < nextOpen)) {
      // `</think>` written where `<think>` was meant, closed by a second `</think>` (R1V4's
      // figures 5-7 open the reasoning after an observation so): the block between is reasoning.
      pushTrimmed(pieces, text.slice(after, secondClose));
      text = text.slice(secondClose + close.length);
    } else {
      pushTrimmed(pieces, before);
      text = text.slice(after);
    }
  }
  let searchFrom = 0;
  for (;;) {
    const start = text.indexOf(open, searchFrom);
    if (start < 0) return text;
    const bodyStart = start + open.length;
    const closeIndex = text.indexOf(close, bodyStart);
    if (closeIndex >= 0) {
      pushTrimmed(pieces, text.slice(bodyStart, closeIndex));
      text = text.slice(0, start) + text.slice(closeIndex + close.length);
      searchFrom = start;
      continue;
    }
    const end = firstActionAfter(text, bodyStart, actionTags);
    pushTrimmed(pieces, text.slice(bodyStart, end));
    return text.slice(0, start) + text.slice(end);
  }
}

function firstActionAfter(text: string, from: number, actionTags: readonly string[]): number {
  let end = text.length;
  for (const tag of actionTags) {
    const index = text.indexOf(`<${tag}>`, from);
    if (index >= 0 && index < end) end = index;
  }
  return end;
}

function pushTrimmed(pieces: string[], piece: string): void {
  const trimmed = piece.trim();
  if (trimmed) pieces.push(trimmed);
}

/**
 * The part of a server's reasoning field from the first action tag on, when there is one. A
 * server's reasoning parser that never sees `</think>` files the whole reply as reasoning, the
 * action included; a turn whose content holds nothing else has its action there.
 */
export function actionInReasoning(
  reasoning: string | undefined,
  actionTags: readonly string[],
): string | undefined {
  if (!reasoning) return undefined;
  const start = firstActionAfter(reasoning, 0, actionTags);
  return start < reasoning.length ? reasoning.slice(start) : undefined;
}
