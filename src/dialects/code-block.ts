import { reindentPython } from "./python-reindent.js";

/**
 * The code inside a code action: the last fenced block when there is one (models often explain,
 * then fence; `first` takes the first, as DeepEyesV2's eval does), the text after an opening
 * fence that was never closed, or the whole text.
 */
export function extractCode(body: string, which: "first" | "last" = "last"): string {
  const fenced = [...body.matchAll(/```[^\S\n]*[\w+-]*[^\S\n]*\n([\s\S]*?)```/g)];
  const last = which === "first" ? fenced[0] : fenced[fenced.length - 1];
  if (last) return trimBlankLines(last[1] ?? "");
  const open = /```[^\S\n]*[\w+-]*[^\S\n]*\n/.exec(body);
  if (open) return trimBlankLines(body.slice(open.index + open[0].length));
  return trimBlankLines(body);
}

function trimBlankLines(code: string): string {
  return code.replace(/^\s*\n/, "").replace(/\s+$/, "");
}

/**
 * Re-indents code the way DeepEyesV2's runtime does before running it (see reindentPython in
 * core, which this name keeps for the dialects' callers).
 */
export function reindentPythonLikeDeepEyes(code: string): string {
  return reindentPython(code);
}
