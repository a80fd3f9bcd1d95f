/**
 * Turns user or model text into an FTS5 MATCH expression that can never be a syntax error: every
 * word becomes a quoted string (so AND, NEAR, "-", ":" and unbalanced quotes mean nothing special).
 * Returns undefined when the text has no searchable word.
 */
export function ftsQuery(text: string, join: "AND" | "OR" = "AND"): string | undefined {
  const words = text.match(/[\p{L}\p{N}_]+/gu) ?? [];
  const unique = [...new Set(words.map((word) => word.toLowerCase()))].slice(0, 32);
  if (unique.length === 0) return undefined;
  return unique.map((word) => `"${word}"`).join(` ${join} `);
}
