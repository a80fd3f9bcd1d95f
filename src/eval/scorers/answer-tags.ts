/**
 * The tag readers the benchmarks' scripts use, each with its own regex semantics: MME-RealWorld
 * (VLMEvalKit) and TreeBench take the first `<answer>…</answer>`, MMSearch-R1's FVQA reward the
 * last one; TreeBench reads boxes from the first `<think>…</think>`. Non-greedy, across lines
 * (Python's `re.DOTALL`).
 */
export function firstTagContent(text: string, tag: string): string | undefined {
  const match = new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`).exec(text);
  return match?.[1];
}

export function lastTagContent(text: string, tag: string): string | undefined {
  let last: string | undefined;
  for (const match of text.matchAll(new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, "g"))) last = match[1];
  return last;
}

/** Python's `str.strip()` with no argument: Unicode whitespace on both ends. */
export function pythonStrip(text: string): string {
  return text.replace(/^\s+|\s+$/gu, "");
}

/** Python's `str.split()` with no argument: runs of whitespace, no empty pieces. */
export function pythonSplit(text: string): string[] {
  return text.split(/\s+/u).filter((piece) => piece !== "");
}

/** Python's `len(str)`: code points, not UTF-16 units. */
export function pythonLength(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}
