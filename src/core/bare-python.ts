/**
 * Whether untagged text is a Python listing rather than prose. Skywork-R1V4's paper prints its
 * code steps bare after `</think>` (Figures 5 and 7: `import os` … `print(processed_path)`, then
 * the `<observation>`), so a turn or transcript step with no action tag may still hold code.
 * Deliberately strict, since a false positive would run an answer as code: the text must open
 * with an import, or be at least two lines that are every one code-shaped (assignments, calls,
 * comments, `...`, block statements, indented lines) with at least one assignment or call.
 */
export function looksLikePython(text: string): boolean {
  const lines = text
    .split("\n")
    .map((line) => line.trimEnd())
    .filter((line) => line.trim() !== "");
  const first = lines[0]?.trim();
  if (first === undefined) return false;
  if (/^(?:import\s+[\w.]+(?:\s+as\s+\w+)?(?:\s*,\s*[\w.]+)*|from\s+[\w.]+\s+import\s+[\w*(]).*$/.test(first))
    return true;
  if (lines.length < 2 || !lines.every(isCodeLine)) return false;
  return lines.some((line) => assignment.test(line.trim()) || call.test(line.trim()));
}

const assignment = /^[A-Za-z_][\w.]*(?:\s*\[[^\]]*\])?(?:\s*,\s*[A-Za-z_][\w.]*)*\s*[-+*/]?=\s*\S/;
const call = /^[A-Za-z_][\w.]*\(.*\)$/;

function isCodeLine(line: string): boolean {
  if (/^\s/.test(line)) return true;
  const text = line.trim();
  return (
    text === "..." ||
    text.startsWith("#") ||
    assignment.test(text) ||
    call.test(text) ||
    /^(?:def|class|for|while|if|elif|else|try|except|finally|with|return|import|from)\b.*$/.test(text)
  );
}
