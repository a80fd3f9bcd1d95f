import { LoupeError } from "../../core/errors.js";

/**
 * How a judge's reply becomes a verdict, one parser per upstream reading, chosen by name
 * (`--judge-parser`). Verdicts: `yes` / `no` (BrowseComp/HLE, DeepEyesV2) and `correct` /
 * `incorrect` / `not-attempted` (SimpleQA). A reply no rule can read gets the upstream default.
 */
export interface ParsedVerdict {
  verdict: string;
  extracted?: string;
  confidence?: number;
  reasoning?: string;
}

export type JudgeParser = (reply: string) => ParsedVerdict;

/** HLE / BrowseComp field lines: "extracted_final_answer: …", "confidence: 80%". */
function field(reply: string, name: string): string | undefined {
  const match = new RegExp(`${name}\\s*:\\s*([^\\n]*)`).exec(reply);
  return match?.[1]?.trim().replace(/^\*+|\*+$/g, "");
}

function jsonObjectIn(reply: string): Record<string, unknown> | undefined {
  const start = reply.indexOf("{");
  const end = reply.lastIndexOf("}");
  if (start < 0 || end <= start) return undefined;
  try {
    const parsed: unknown = JSON.parse(reply.slice(start, end + 1));
    return parsed && typeof parsed === "object" && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function confidenceOf(text: string | undefined): number | undefined {
  const match = text === undefined ? null : /-?\d+(?:\.\d+)?/.exec(text);
  return match ? Number(match[0]) : undefined;
}

/**
 * WebWatcher's evaluate_hle_official.py asks for a JSON object and counts `correct` in
 * ('y', 'yes', 'true', 'positive'); a reply in the field-line format is read as simple-evals
 * reads it (`correct: (yes|no)`, case-sensitive); anything else is "no".
 */
export const hleParser: JudgeParser = (reply) => {
  const json = jsonObjectIn(reply);
  if (json && "correct" in json) {
    const correct = String(json.correct).trim().toLowerCase();
    return {
      verdict: ["y", "yes", "true", "positive"].includes(correct) ? "yes" : "no",
      extracted: json.extracted_final_answer === undefined ? undefined : String(json.extracted_final_answer),
      confidence: confidenceOf(json.confidence === undefined ? undefined : String(json.confidence)),
      reasoning: json.reasoning === undefined ? undefined : String(json.reasoning),
    };
  }
  return browsecompParser(reply);
};

/**
 * simple-evals browsecomp_eval.py: `re.search(r"correct: (yes|no)")`, default "no". Upstream
 * returns `match.group(0)` ("correct: yes") and compares it with "yes", so its BrowseComp figure
 * is always 0; this parser takes the group, which is what the code means (docs/evaluation-scoring.md).
 */
export const browsecompParser: JudgeParser = (reply) => {
  const match = /correct: (yes|no)/.exec(reply);
  return {
    verdict: match?.[1] ?? "no",
    extracted: field(reply, "extracted_final_answer"),
    confidence: confidenceOf(field(reply, "confidence")),
    reasoning: field(reply, "reasoning"),
  };
};

const simpleqaVerdicts: Record<string, string> = { A: "correct", B: "incorrect", C: "not-attempted" };

/**
 * simple-evals simpleqa_eval.py: the first A, B or C anywhere in the reply (`re.search(r"(A|B|C)")`),
 * default C. A judge that answers with the word "CORRECT" is therefore read as C, not attempted.
 */
export const simpleqaParser: JudgeParser = (reply) => {
  const match = /(A|B|C)/.exec(reply);
  return { verdict: simpleqaVerdicts[match?.[1] ?? "C"]! };
};

/**
 * The strict SimpleQA reading: a reply that is one letter (A, B or C), or one of the grade words
 * (CORRECT, INCORRECT, NOT_ATTEMPTED / NOT ATTEMPTED) alone; else not attempted.
 */
export const simpleqaStrictParser: JudgeParser = (reply) => {
  const text = reply
    .trim()
    .replace(/^["'*`\s]+|["'*`.\s]+$/g, "")
    .toUpperCase();
  if (text in simpleqaVerdicts) return { verdict: simpleqaVerdicts[text]! };
  if (text === "CORRECT") return { verdict: "correct" };
  if (text === "INCORRECT") return { verdict: "incorrect" };
  if (text === "NOT_ATTEMPTED" || text === "NOT ATTEMPTED") return { verdict: "not-attempted" };
  return { verdict: "not-attempted" };
};

/**
 * DeepEyesV2's `judge_result` (evaluation/VLMEvalKit/vlmeval/dataset/utils/judge_utils.py): the
 * text after the last "<最终结果>" up to "<\最终结果>", then after the last "boxed" up to the
 * first "}", and "yes" anywhere in it (case-insensitive) means yes. Without "boxed" the whole
 * reply is searched, so "No, not yes" and "eyes" read as yes.
 */
export const deepeyesV2Parser: JudgeParser = (reply) => {
  let text = reply;
  if (text.includes("<最终结果>"))
    text = text.split("<最终结果>").at(-1)!.trim().split("<\\最终结果>")[0]!.trim();
  if (text.includes("boxed")) text = text.split("boxed").at(-1)!.trim().split("}")[0]!.trim();
  return { verdict: text.toLowerCase().includes("yes") ? "yes" : "no" };
};

/** The strict reading: the last `\boxed{Yes}` or `\boxed{No}` decides; without one, no. */
export const deepeyesV2StrictParser: JudgeParser = (reply) => {
  const boxes = [...reply.matchAll(/\\boxed\{\s*(yes|no)\s*\}/gi)];
  const last = boxes.at(-1)?.[1]?.toLowerCase();
  return { verdict: last === "yes" ? "yes" : "no" };
};

export const judgeParsers: Readonly<Record<string, JudgeParser>> = {
  hle: hleParser,
  browsecomp: browsecompParser,
  simpleqa: simpleqaParser,
  "simpleqa-strict": simpleqaStrictParser,
  "deepeyes-v2": deepeyesV2Parser,
  "deepeyes-v2-strict": deepeyesV2StrictParser,
};

export function judgeParserNamed(name: string): JudgeParser {
  const parser = judgeParsers[name];
  if (!parser) {
    throw new LoupeError(
      "config",
      `Unknown judge parser "${name}". Parsers: ${Object.keys(judgeParsers).join(", ")}.`,
    );
  }
  return parser;
}
