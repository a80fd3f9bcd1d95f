import { LoupeError } from "../../core/errors.js";
import type { EvalItem, JudgeCall } from "../eval-item.js";
import { lastTagContent } from "../scorers/answer-tags.js";
import type { ScoreContext, ScoredItem, Scorer } from "../scorers/scorer.js";
import { type JudgeParser, judgeParserNamed, type ParsedVerdict } from "./judge-parsers.js";

/**
 * A judge scorer: renders the family's prompt for (item, response), asks the judge, parses its
 * reply and records the call in `ItemScore.judge`. The response the judge sees is the last
 * `<answer>` content when there is one (R1V4 judges the `<answer>` text only), else the whole
 * response; `{{full_response}}` is the whole response for templates that want it.
 */
export interface JudgeFamily {
  name: string;
  upstream: string;
  template: string;
  parser: string;
  /** The parser `--strict` reads the same reply with, when the family has a known parser quirk. */
  strictParser?: string;
  verdictScore(parsed: ParsedVerdict): { correct: boolean; attempted?: boolean };
}

export function judgeValues(item: EvalItem, response: string): Record<string, string> {
  const answer = lastTagContent(response, "answer")?.trim() ?? response;
  const aliases = item.aliases ?? [];
  return {
    question: item.question,
    response: answer,
    predicted_answer: answer,
    full_response: response,
    correct_answer: item.answer,
    gold_target: aliases.length > 0 ? `${item.answer} (also accepted: ${aliases.join("; ")})` : item.answer,
    answers: [item.answer, ...aliases].join(" / "),
    options: (item.choices ?? [])
      .map((text, index) => `${String.fromCharCode(65 + index)}. ${text}`)
      .join("\n"),
  };
}

function describeVerdict(parsed: ParsedVerdict): string {
  const parts = [`judge: ${parsed.verdict}`];
  if (parsed.extracted !== undefined) parts.push(`extracted "${parsed.extracted}"`);
  if (parsed.confidence !== undefined) parts.push(`confidence ${parsed.confidence}`);
  return parts.join("; ");
}

export function judgeScorer(family: JudgeFamily): Scorer {
  return {
    name: family.name,
    upstream: family.upstream,
    needsJudge: true,
    hasStrict: family.strictParser !== undefined,
    async score(item, response, context: ScoreContext): Promise<ScoredItem> {
      const judge = context.judge;
      if (!judge) {
        throw new LoupeError(
          "config",
          `Benchmark ${item.benchmark} is scored by an LLM judge (${family.name}); pass --judge-model and --judge-base-url.`,
        );
      }
      const parser: JudgeParser = judgeParserNamed(judge.parser ?? family.parser);
      const values = judgeValues(item, response);
      const reply = await judge.ask(family.template, values, context.signal);
      if (!reply.ok) {
        return {
          id: item.id,
          correct: false,
          score: 0,
          why: `the judge failed: ${reply.error}`,
          judgeError: reply.error,
          judge: [{ model: judge.model, prompt: reply.prompt, reply: "", verdict: "error" }],
        };
      }
      const parsed = parser(reply.text);
      const { correct, attempted } = family.verdictScore(parsed);
      const call: JudgeCall = { ...reply.call, verdict: parsed.verdict };
      const scored: ScoredItem = {
        id: item.id,
        extracted: parsed.extracted ?? values.response,
        correct,
        score: correct ? 1 : 0,
        why: describeVerdict(parsed),
        judge: [call],
        ...(attempted === undefined ? {} : { attempted }),
        ...(parsed.confidence === undefined ? {} : { metrics: { confidence: parsed.confidence } }),
      };
      if (context.strict && family.strictParser) {
        const strict = judgeParserNamed(family.strictParser)(reply.text);
        scored.strict = {
          correct: family.verdictScore(strict).correct,
          why: `strict ${describeVerdict(strict)}`,
        };
      }
      return scored;
    },
  };
}
