/**
 * Servers cut the stop string out of the output, but tag dialects need it back: a DeepEyesV2 turn
 * that stopped at `</code>` must read as `<code>...</code>` for the parser and for the trajectory.
 * vLLM names the matched string in `stop_reason`; other servers do not, so the stop is inferred
 * from an opening tag left unclosed.
 */
export interface StopRestoreInput {
  content: string;
  finishReason: string | undefined;
  /** The server's `stop_reason`: the matched string (vLLM), a token id, or nothing. */
  stopReason: unknown;
  stops: readonly string[];
}

export interface StopRestoreResult {
  content: string;
  /** The stop sequence that ended generation, when known. */
  stopSequence?: string;
}

export function detectStopSequence(input: StopRestoreInput): string | undefined {
  if (input.finishReason !== "stop" || input.stops.length === 0) return undefined;
  if (typeof input.stopReason === "string" && input.stopReason !== "") return input.stopReason;
  return inferUnclosedTagStop(input.content, input.stops);
}

/** Appends the matched stop string to the content unless it is already there. */
export function restoreStopSequence(input: StopRestoreInput): StopRestoreResult {
  const stopSequence = detectStopSequence(input);
  if (stopSequence === undefined) return { content: input.content };
  const content = input.content.endsWith(stopSequence) ? input.content : input.content + stopSequence;
  return { content, stopSequence };
}

/**
 * Among stops shaped like closing tags (`</name>`), picks the one whose opening tag appears last
 * in the content without a closing tag after it.
 */
export function inferUnclosedTagStop(content: string, stops: readonly string[]): string | undefined {
  let best: { stop: string; openedAt: number } | undefined;
  for (const stop of stops) {
    const match = /^<\/([A-Za-z_][\w-]*)>$/.exec(stop);
    if (!match) continue;
    const name = match[1]!;
    const openedAt = lastOpeningTagIndex(content, name);
    if (openedAt < 0 || content.indexOf(stop, openedAt) >= 0) continue;
    if (!best || openedAt > best.openedAt) best = { stop, openedAt };
  }
  return best?.stop;
}

function lastOpeningTagIndex(content: string, name: string): number {
  const pattern = new RegExp(`<${name}(?:\\s[^>]*)?>`, "g");
  let last = -1;
  for (const match of content.matchAll(pattern)) last = match.index;
  return last;
}
