/**
 * The code inside a code action: the last fenced block when there is one (models often explain,
 * then fence), the text after an opening fence that was never closed, or the whole text.
 */
export function extractCode(body: string): string {
  const fenced = [...body.matchAll(/```[^\S\n]*[\w+-]*[^\S\n]*\n([\s\S]*?)```/g)];
  const last = fenced[fenced.length - 1];
  if (last) return trimBlankLines(last[1] ?? "");
  const open = /```[^\S\n]*[\w+-]*[^\S\n]*\n/.exec(body);
  if (open) return trimBlankLines(body.slice(open.index + open[0].length));
  return trimBlankLines(body);
}

function trimBlankLines(code: string): string {
  return code.replace(/^\s*\n/, "").replace(/\s+$/, "");
}

const dedentingKeywords = /^(except|elif|else|finally)\b/;

/**
 * Re-indents code the way DeepEyesV2's runtime does before running it: every line is stripped, a
 * line ending in ":" indents what follows, and except/elif/else/finally step back one level.
 * Models trained with that runtime sometimes write code whose indentation only works after this
 * pass; code that dedents after a block without such a keyword changes meaning, hence an option.
 */
export function reindentPythonLikeDeepEyes(code: string): string {
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
