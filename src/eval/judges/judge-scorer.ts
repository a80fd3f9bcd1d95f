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
  /** A verdict reached without asking the judge (LiveVQA grades an empty answer C itself). */
  withoutJudge?(values: Record<string, string>): ParsedVerdict | undefined;
}

export function judgeValues(item: EvalItem, response: string): Record<string, string> {
  const answer = lastTagContent(response, "answer")?.trim() ?? response;
  const gold = goldText(item);
  const aliases = (item.aliases ?? []).filter((alias) => alias !== gold);
  return {
    question: item.question,
    response: answer,
    predicted_answer: answer,
    full_response: response,
    correct_answer: gold,
    gold_target: aliases.length > 0 ? `${gold} (also accepted: ${aliases.join("; ")})` : gold,
    // LiveVQA's target: every accepted answer quoted, joined by " OR ".
    gold_targets_or: ((item.aliases ?? []).length > 0 ? item.aliases! : [gold])
      .map((text) => `"${text}"`)
      .join(" OR "),
    answers: [gold, ...aliases].join(" / "),
    answer_letter: item.choices && item.choices.length > 0 ? item.answer : "",
    options: (item.choices ?? [])
      .map((text, index) => `${String.fromCharCode(65 + index)}. ${text}`)
      .join("\n"),
  };
}

/**
 * The gold answer as text: for a multiple-choice item (LiveVQA's letter `Ground_Truth`) the
 * option the letter names, since the judge compares meanings, not letters.
 */
function goldText(item: EvalItem): string {
  const index = item.answer.length === 1 ? item.answer.charCodeAt(0) - 65 : -1;
  return item.choices && index >= 0 && index < item.choices.length ? item.choices[index]! : item.answer;
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
      const settled = family.withoutJudge?.(values);
      if (settled) {
        const { correct, attempted } = family.verdictScore(settled);
        return {
          id: item.id,
          extracted: values.response,
          correct,
          score: correct ? 1 : 0,
          why: `${describeVerdict(settled)} (decided without the judge, as upstream)`,
          ...(attempted === undefined ? {} : { attempted }),
        };
      }
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
