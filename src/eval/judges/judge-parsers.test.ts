import { describe, expect, it } from "vitest";
import {
  browsecompParser,
  deepeyesV2Parser,
  deepeyesV2StrictParser,
  hleParser,
  judgeParserNamed,
  livevqaParser,
  simpleqaParser,
  simpleqaStrictParser,
  simplevqaParser,
} from "./judge-parsers.js";

describe("judge parsers", () => {
  /** (reply, simple-evals' `re.search(r"(A|B|C)")` letter → verdict), checked in Python. */
  it.each([
    ["A", "correct"],
    ["B", "incorrect"],
    ["C", "not-attempted"],
    // Quirks: the first A, B or C anywhere, so grade words are read by their letters.
    ["CORRECT", "not-attempted"],
    ["INCORRECT", "not-attempted"],
    ["NOT_ATTEMPTED", "correct"],
    ["The grade is B", "incorrect"],
    ["nothing", "not-attempted"],
  ])("SimpleQA reads %j as %s", (reply, verdict) => {
    expect(simpleqaParser(reply).verdict).toBe(verdict);
  });

  it.each([
    ["A", "correct"],
    ['"B"', "incorrect"],
    ["CORRECT", "correct"],
    ["NOT_ATTEMPTED", "not-attempted"],
    ["The grade is B", "not-attempted"],
  ])("strict SimpleQA reads %j as %s", (reply, verdict) => {
    expect(simpleqaStrictParser(reply).verdict).toBe(verdict);
  });

  /** (reply, DeepEyesV2's judge_result), checked against the upstream Python. */
  it.each([
    ["<think>they agree</think>\n\\boxed{Yes}", "yes"],
    ["\\boxed{No}", "no"],
    // Quirks: without "boxed" any "yes" in the reply counts, inside words too.
    ["No, that is not what yes means", "yes"],
    ["The eyes have it", "yes"],
    ["<最终结果>\n\\boxed{No}\n<\\最终结果> yes", "no"],
    ["\\boxed{Yes} wait \\boxed{No}", "no"],
    ["boxed{ yes }", "yes"],
  ])("DeepEyesV2 reads %j as %s", (reply, verdict) => {
    expect(deepeyesV2Parser(reply).verdict).toBe(verdict);
  });

  it("strict DeepEyesV2 wants \\boxed{Yes}", () => {
    expect(deepeyesV2StrictParser("The eyes have it").verdict).toBe("no");
    expect(deepeyesV2StrictParser("so \\boxed{ yes }").verdict).toBe("yes");
  });

  it("HLE: WebWatcher's JSON object, its yes-words, and the field-line format", () => {
    const json = hleParser(
      '{"extracted_final_answer": "Paris", "reasoning": "same", "correct": "yes", "confidence": 90, "strict": true}',
    );
    expect(json).toEqual({ verdict: "yes", extracted: "Paris", confidence: 90, reasoning: "same" });
    expect(hleParser('{"correct": "True"}').verdict).toBe("yes");
    expect(hleParser('{"correct": "no"}').verdict).toBe("no");
    const lines = hleParser("extracted_final_answer: 42\nreasoning: matches\ncorrect: yes\nconfidence: 85%");
    expect(lines).toEqual({ verdict: "yes", extracted: "42", confidence: 85, reasoning: "matches" });
    // simple-evals' pattern is case-sensitive; anything else is "no".
    expect(browsecompParser("Correct: Yes").verdict).toBe("no");
    expect(browsecompParser("").verdict).toBe("no");
  });

  it.each([
    ['```json\n{"预测答案0": "正确"}\n```', "correct"],
    ['{"预测答案0": "**错误**"', "incorrect"],
    ['{"预测答案0": {"conclusion": "未尝试"}}', "not-attempted"],
    // Longer than three characters: not attempted, as upstream.
    ['{"预测答案0": "答案是正确的"}', "not-attempted"],
    // Upstream crashes on these; Loupe reads them as not attempted.
    ["A", "not-attempted"],
    ['{"预测答案0": "对"}', "not-attempted"],
  ])("SimpleVQA reads %j as %s", (reply, verdict) => {
    expect(simplevqaParser(reply).verdict).toBe(verdict);
  });

  it.each([
    ["A", "correct"],
    [" b\n", "incorrect"],
    ["C", "not-attempted"],
    // Anything but the bare letter is an error, left out of LiveVQA's figures.
    ["A: CORRECT", "error"],
    ["CORRECT", "error"],
  ])("LiveVQA reads %j as %s", (reply, verdict) => {
    expect(livevqaParser(reply).verdict).toBe(verdict);
  });

  it("names the parsers when one is unknown", () => {
    expect(() => judgeParserNamed("nope")).toThrow(/Parsers: hle, browsecomp, simpleqa/);
  });
});
