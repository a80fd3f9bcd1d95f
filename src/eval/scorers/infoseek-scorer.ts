import { LoupeError } from "../../core/errors.js";
import type { EvalItem } from "../eval-item.js";
import { exactMatch } from "./fvqa-scorer.js";
import { type NumericAnswer, numericalRangeScore, processNumericalAnswer } from "./infoseek-numeric.js";
import type { ScoredItem, Scorer } from "./scorer.js";

/**
 * InfoSeek (infoseek_eval.py `evaluation`): by `question_type` (the loader's `meta.questionType`),
 * "numerical" by range (infoseek-numeric.ts) against `answer_eval`'s range, everything else
 * ("time" included: its docstring's ±1 year is not in the code) by exact match after SQuAD
 * normalisation against the `answer_eval` strings. The whole prediction is read.
 */
function goldRange(item: EvalItem): NumericAnswer {
  const raw = item.meta.answerEval ?? item.meta.answer_eval;
  const first = Array.isArray(raw) && raw.length > 0 && typeof raw[0] === "object" ? raw[0] : raw;
  const range =
    first && typeof first === "object" && !Array.isArray(first)
      ? (first as { range?: unknown }).range
      : first;
  if (Array.isArray(range) && range.length >= 2) return [Number(range[0]), Number(range[1])];
  if (typeof range === "number" || typeof range === "string") return Number(range);
  throw new LoupeError("eval-data", `InfoSeek item ${item.id} is numerical but has no answer_eval range.`);
}

function goldStrings(item: EvalItem): string[] {
  const raw = item.meta.answerEval ?? item.meta.answer_eval;
  if (Array.isArray(raw) && raw.every((entry) => typeof entry === "string")) return raw as string[];
  return [item.answer, ...(item.aliases ?? [])];
}

function describeNumber(value: NumericAnswer): string {
  return Array.isArray(value) ? `[${value[0]}, ${value[1]}]` : String(value);
}

export const infoseekScorer: Scorer = {
  name: "infoseek",
  upstream: "edchengg/infoseek_eval infoseek_eval.py (metric_numerical_range, exact_match_score)",
  needsJudge: false,
  hasStrict: false,
  score(item, response): ScoredItem {
    const questionType = String(item.meta.questionType ?? item.meta.question_type ?? "string").toLowerCase();
    if (questionType === "numerical") {
      const predicted = processNumericalAnswer(response);
      const gold = goldRange(item);
      const correct = numericalRangeScore(predicted, gold) === 1;
      return {
        id: item.id,
        extracted: describeNumber(predicted),
        correct,
        score: correct ? 1 : 0,
        why: `read ${describeNumber(predicted)}; gold range ${describeNumber(gold)}${correct ? "" : " (outside)"}`,
      };
    }
    const golds = goldStrings(item);
    const correct = exactMatch(response, golds);
    return {
      id: item.id,
      extracted: response.trim(),
      correct,
      score: correct ? 1 : 0,
      why: correct
        ? `exact match (${questionType})`
        : `no exact match among ${golds.length} gold answers (${questionType})`,
    };
  },
};
