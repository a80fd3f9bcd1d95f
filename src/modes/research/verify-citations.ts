import type { CitationCheck, Evidence } from "../../core/mode-records.js";

/**
 * The verification pass's deterministic rule. A report sentence is supported when it cites
 * evidence that is stored and that says it:
 *  1. every span the sentence quotes ("..." or “...”, 3+ words) appears in the cited evidence's
 *     text, after normalization (NFKC, lower case, punctuation as spaces, runs of spaces as one);
 *  2. every number in the sentence appears among the cited evidence's tokens;
 *  3. at least `minOverlap` (60%) of the sentence's content words (normalized tokens that are not
 *     stop words, 3+ characters or digits, citation markers removed) appear in the cited evidence.
 * The cited evidence of a sentence is read together: a sentence may join two sources. A sentence
 * with no citation, or citing a number with no stored evidence, is unsupported. Headings, list
 * bullets' markers, image lines and the "Short answer" line are not checked.
 */
export const minOverlap = 0.6;

const stopWords = new Set(
  "the and for are was were has have had with that this from into onto over under than then they them their there these those which what when where who whom whose why how its his her our your you not but all any can could would should will may might been being also such about after before between both each few more most other some very just only own same too out off per via a an of to in on at by as is be or it".split(
    " ",
  ),
);

export function normalizeText(text: string): string {
  return text
    .normalize("NFKC")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}

function contentWords(text: string): string[] {
  return normalizeText(text)
    .split(" ")
    .filter((word) => word !== "" && !stopWords.has(word) && (word.length >= 3 || /\d/.test(word)));
}

const citationMarker = /\[(\d{1,4})\]/g;

/** The numbers a sentence cites: [1], [2][3], [4, 5]. */
export function citedNumbers(sentence: string): number[] {
  const numbers: number[] = [];
  for (const match of sentence.matchAll(/\[(\d{1,4}(?:\s*,\s*\d{1,4})*)\]/g))
    for (const part of (match[1] ?? "").split(",")) numbers.push(Number(part.trim()));
  return [...new Set(numbers)];
}

function quotedSpans(sentence: string): string[] {
  const spans: string[] = [];
  for (const match of sentence.matchAll(/["\u201c]([^"\u201c\u201d]+)["\u201d]/g)) {
    const span = match[1] ?? "";
    if (normalizeText(span).split(" ").length >= 3) spans.push(span);
  }
  return spans;
}

export function checkSentence(sentence: string, evidence: ReadonlyMap<number, Evidence>): CitationCheck {
  const cited = citedNumbers(sentence);
  const base = { sentence, cited };
  if (cited.length === 0) return { ...base, supported: false, reason: "no citation" };
  const missing = cited.filter((number) => !evidence.has(number));
  if (missing.length > 0)
    return {
      ...base,
      supported: false,
      reason: `cites ${missing.map((n) => `[${n}]`).join("")}, which is not stored evidence`,
    };
  const sourceText = normalizeText(
    cited.map((number) => evidenceText(evidence.get(number) as Evidence)).join(" "),
  );
  const sourceWords = new Set(sourceText.split(" "));
  const claim = sentence.replace(citationMarker, " ").replace(/\[\d[\d,\s]*\]/g, " ");
  for (const span of quotedSpans(claim)) {
    if (!` ${sourceText} `.includes(` ${normalizeText(span)} `))
      return { ...base, supported: false, reason: `the quote "${span}" is not in ${citeList(cited)}` };
  }
  const words = contentWords(claim);
  const numbers = words.filter((word) => /\d/.test(word));
  const absentNumber = numbers.find((number) => !sourceWords.has(number));
  if (absentNumber !== undefined)
    return { ...base, supported: false, reason: `the number ${absentNumber} is not in ${citeList(cited)}` };
  if (words.length === 0) return { ...base, supported: true, reason: "nothing to check beyond the citation" };
  const found = words.filter((word) => sourceWords.has(word)).length;
  const share = found / words.length;
  const percent = `${Math.round(share * 100)}% of its words in ${citeList(cited)}`;
  return share >= minOverlap
    ? { ...base, supported: true, reason: percent }
    : { ...base, supported: false, reason: `only ${percent}` };
}

/** What a piece of evidence says: its title and text (an image's description). */
function evidenceText(item: Evidence): string {
  return [item.title, item.text].filter(Boolean).join(" ");
}

function citeList(numbers: readonly number[]): string {
  return numbers.map((number) => `[${number}]`).join("");
}

/**
 * The report's sentences that state something: prose split at sentence ends, skipping headings,
 * image lines, code, tables and the short-answer line; a list item is its text.
 */
export function reportSentences(report: string): string[] {
  const sentences: string[] = [];
  for (const rawLine of report.split("\n")) {
    const line = rawLine.trim();
    if (
      line === "" ||
      /^#{1,6}\s/.test(line) ||
      line.startsWith("![") ||
      line.startsWith("|") ||
      line.startsWith("```")
    )
      continue;
    if (/^\**short answer\**\s*:/i.test(line)) continue;
    const text = line.replace(/^(?:[-*+]|\d{1,3}[.)])\s+/, "");
    // A sentence ends at . ! ? followed by a space and a capital, or by its citations.
    for (const piece of text.split(/(?<=[.!?](?:\s*\[\d[\d,\s]*\])*)\s+(?=[A-Z\u201c"(])/)) {
      if (normalizeText(piece) !== "") sentences.push(piece.trim());
    }
  }
  return sentences;
}

/** Every sentence of the report checked against the evidence store. */
export function verifyReport(report: string, evidence: readonly Evidence[]): CitationCheck[] {
  const byNumber = new Map(evidence.map((item) => [item.id, item]));
  return reportSentences(report).map((sentence) => checkSentence(sentence, byNumber));
}

/** The report with each unsupported sentence flagged where it stands. */
export function flagUnsupported(report: string, checks: readonly CitationCheck[]): string {
  let flagged = report;
  for (const check of checks) {
    if (check.supported) continue;
    flagged = flagged.replace(check.sentence, `${check.sentence} **[unsupported: ${check.reason}]**`);
  }
  return flagged;
}
