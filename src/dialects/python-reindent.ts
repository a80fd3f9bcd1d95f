const dedentingKeywords = /^(except|elif|else|finally)\b/;

/**
 * Re-indents code the way DeepEyesV2's runtime does before running it: every line is stripped,
 * a line ending in ":" indents the lines after it, and except/elif/else/finally step back one
 * level. Models trained with that runtime sometimes emit code whose indentation only makes sense
 * after this pass; code that relies on dedenting after a block (no keyword) is changed by it,
 * which is why it is an option and off by default.
 */
export function reindentPython(code: string): string {
  let depth = 0;
  const lines: string[] = [];
  for (const rawLine of code.split("\n")) {
    const line = rawLine.trim();
    if (line === "") {
      lines.push("");
      continue;
    }
    if (dedentingKeywords.test(line)) depth = Math.max(0, depth - 1);
    lines.push(`${"    ".repeat(depth)}${line}`);
    if (line.endsWith(":")) depth++;
  }
  return lines.join("\n");
}
