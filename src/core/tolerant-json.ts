/**
 * Reads the JSON that models write (inside action tags, in hosted transcripts, in plans), which is
 * often not quite JSON: trailing commas, single or typographic quotes (‘’ “”, including ’…’ with
 * the same mark at both ends, as R1V4's figures print), unquoted keys, unquoted placeholders such
 * as `<image>` and `<sub-image 1>`, Python's True/False/None, raw newlines inside strings (code!),
 * a code fence around it, text before it, a stray or missing closing brace, or the whole object
 * encoded again as a JSON string. The one reader for every place Loupe reads model-written JSON.
 * Never throws.
 */
export type JsonReadResult = { ok: true; value: unknown } | { ok: false; message: string };

/** How many times a JSON value that is itself a string of JSON is decoded again. */
const nestedDecodeLimit = 2;

export function readJsonTolerantly(text: string): JsonReadResult {
  const trimmed = stripCodeFence(text).trim();
  if (trimmed === "") return { ok: false, message: "it is empty" };
  const strict = tryParse(trimmed);
  if (strict.ok) return { ok: true, value: decodeNested(strict.value, nestedDecodeLimit) };
  const start = firstContainerStart(trimmed);
  if (start < 0) return { ok: false, message: `it is not a JSON object (${strict.message})` };
  const repaired = tryParse(repairJson(trimmed.slice(start)));
  if (repaired.ok) return { ok: true, value: decodeNested(repaired.value, nestedDecodeLimit) };
  return { ok: false, message: strict.message };
}

/** A value that may be an object or a JSON string of one (native tool-call arguments, nested args). */
export function decodeNested(value: unknown, depth = nestedDecodeLimit): unknown {
  if (depth <= 0 || typeof value !== "string") return value;
  const text = value.trim();
  if (!/^[[{]/.test(text) && !/^```/.test(text)) return value;
  const result = readJsonTolerantly(text);
  return result.ok ? decodeNested(result.value, depth - 1) : value;
}

/** Removes one surrounding ```json ... ``` fence (closing fence optional). */
export function stripCodeFence(text: string): string {
  const match = /^\s*```[\w-]*[^\S\n]*\n?([\s\S]*?)(?:\n?```\s*)?$/.exec(text);
  return match ? (match[1] ?? "") : text;
}

function tryParse(text: string): JsonReadResult {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
}

function firstContainerStart(text: string): number {
  const brace = text.indexOf("{");
  const bracket = text.indexOf("[");
  if (brace < 0) return bracket;
  if (bracket < 0) return brace;
  return Math.min(brace, bracket);
}

const pythonLiterals: Record<string, string> = { True: "true", False: "false", None: "null" };
const closerOf: Record<string, string> = { "{": "}", "[": "]" };

/**
 * Rewrites almost-JSON into JSON in one pass: strings are re-quoted with double quotes and their
 * control characters escaped, bare words become keys or strings, closers that match nothing are
 * dropped, missing closers are added, trailing commas are removed, and anything after the first
 * complete value is ignored.
 */
function repairJson(text: string): string {
  const out: string[] = [];
  const stack: string[] = [];
  let index = 0;
  while (index < text.length) {
    const char = text[index] as string;
    if (char in closingQuotes) {
      const { literal, next } = readString(text, index);
      out.push(literal);
      index = next;
      continue;
    }
    if (char === "<") {
      // An unquoted placeholder: <image>, <sub-image 1>.
      const placeholder = /^<[^<>"'\n{}[\],:]{1,80}>/.exec(text.slice(index, index + 82))?.[0];
      if (placeholder) {
        out.push(JSON.stringify(placeholder));
        index += placeholder.length;
        continue;
      }
    }
    if (char === "{" || char === "[") {
      stack.push(closerOf[char] as string);
      out.push(char);
      index++;
      continue;
    }
    if (char === "}" || char === "]") {
      index++;
      if (stack[stack.length - 1] !== char) continue;
      stack.pop();
      dropTrailingComma(out);
      out.push(char);
      if (stack.length === 0) break;
      continue;
    }
    if (/[-\d.]/.test(char)) {
      const number = /^-?[\d.]+(?:[eE][-+]?\d+)?/.exec(text.slice(index, index + 100))?.[0] ?? char;
      index += number.length;
      out.push(number);
      continue;
    }
    if (/[A-Za-z_$]/.test(char)) {
      const word = /^[A-Za-z_$][\w$-]*/.exec(text.slice(index, index + 200))?.[0] ?? char;
      index += word.length;
      out.push(word in pythonLiterals ? (pythonLiterals[word] as string) : keywordOrString(word));
      continue;
    }
    if (char === "," && stack.length === 0) break;
    out.push(char);
    index++;
  }
  dropTrailingComma(out);
  if (out[out.length - 1]?.trim() === ":") out.push("null");
  while (stack.length > 0) out.push(stack.pop() as string);
  return out.join("");
}

function keywordOrString(word: string): string {
  return word === "true" || word === "false" || word === "null" ? word : JSON.stringify(word);
}

function dropTrailingComma(out: string[]): void {
  for (let position = out.length - 1; position >= 0; position--) {
    const piece = out[position] as string;
    if (piece.trim() === "") continue;
    if (piece === ",") out.splice(position, 1);
    return;
  }
}

/** The marks that may close a string opened by each quote mark. */
const closingQuotes: Record<string, string> = {
  '"': '"',
  "'": "'",
  "\u2018": "\u2018\u2019",
  "\u2019": "\u2018\u2019",
  "\u201c": "\u201c\u201d",
  "\u201d": "\u201c\u201d",
};

/** Reads a quoted string starting at `start`; an unterminated one ends the text. */
function readString(text: string, start: number): { literal: string; next: number } {
  const closers = closingQuotes[text[start] as string] as string;
  let value = "";
  let index = start + 1;
  while (index < text.length) {
    const char = text[index] as string;
    if (char === "\\" && index + 1 < text.length) {
      const escaped = text[index + 1] as string;
      value += decodeEscape(escaped, text, index);
      index += escaped === "u" && /^[0-9a-fA-F]{4}$/.test(text.slice(index + 2, index + 6)) ? 6 : 2;
      continue;
    }
    if (closers.includes(char)) return { literal: JSON.stringify(value), next: index + 1 };
    value += char;
    index++;
  }
  return { literal: JSON.stringify(value), next: text.length };
}

function decodeEscape(escaped: string, text: string, index: number): string {
  const simple: Record<string, string> = { n: "\n", t: "\t", r: "\r", b: "\b", f: "\f" };
  if (escaped in simple) return simple[escaped] as string;
  if (escaped === "u") {
    const hex = text.slice(index + 2, index + 6);
    if (/^[0-9a-fA-F]{4}$/.test(hex)) return String.fromCharCode(Number.parseInt(hex, 16));
  }
  return escaped;
}
