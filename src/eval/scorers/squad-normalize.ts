/**
 * SQuAD's answer normalisation, as MMSearch (`score/f1_score.py`), InfoSeek (`infoseek_eval.py`)
 * and MMSearch-R1 (`mmsearch_r1_score.py`) all copy it: lower case, drop ASCII punctuation
 * (`string.punctuation` only: "，" and "。" stay), drop the words a/an/the, collapse whitespace.
 * Python's `\b` is Unicode-aware, so "a" inside "éa" is not a word; the lookarounds below say the
 * same in JavaScript, whose `\b` is ASCII-only.
 */
const asciiPunctuation = /[!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]/g;
const articles = /(?<![\p{L}\p{N}_])(?:a|an|the)(?![\p{L}\p{N}_])/gu;

export function squadNormalize(text: string): string {
  const lowered = text.toLowerCase();
  const unpunctuated = lowered.replace(asciiPunctuation, "");
  const withoutArticles = unpunctuated.replace(articles, " ");
  return withoutArticles
    .split(/\s+/u)
    .filter((word) => word !== "")
    .join(" ");
}

/** `get_tokens`: an empty (falsy) string has no tokens; otherwise the normalised words. */
export function squadTokens(text: string): string[] {
  if (!text) return [];
  const normalized = squadNormalize(text);
  return normalized === "" ? [] : normalized.split(" ");
}
