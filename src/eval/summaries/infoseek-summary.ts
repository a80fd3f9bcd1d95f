import type { EvalItem } from "../eval-item.js";
import { accuracySummary, metaString } from "./accuracy-summary.js";
import type { ScoredPair, Summarizer } from "./score-summary.js";
import { waldInterval } from "./wald-interval.js";

/**
 * InfoSeek's figure (infoseek_eval.py `evaluate`): items split by `data_split` (ending in
 * "unseen_question", else unseen entity); each split's score is its accuracy in percent rounded to
 * two places; the final score is their harmonic mean (a zero taken as 1e-12), rounded again.
 * With only one split present the figure is that split's accuracy.
 */
function splitOf(item: EvalItem): "unseen_question" | "unseen_entity" {
  const split = metaString(item, "dataSplit", "data_split") ?? "";
  return split.endsWith("unseen_question") ? "unseen_question" : "unseen_entity";
}

function percent(pairs: readonly ScoredPair[]): number {
  return pairs.length === 0
    ? 0
    : Math.round((pairs.filter((pair) => pair.score.correct).length / pairs.length) * 10000) / 100;
}

function harmonicMean(values: readonly number[]): number {
  const safe = values.map((value) => (value !== 0 ? value : 1e-12));
  return safe.length / safe.reduce((sum, value) => sum + 1 / value, 0);
}

const questionTypeOf = (item: EvalItem): string[] => {
  const type = metaString(item, "questionType", "question_type");
  return [...(type ? [type.toLowerCase()] : []), splitOf(item)];
};

export const infoseekSummary: Summarizer = (pairs) => {
  const base = accuracySummary(questionTypeOf)(pairs);
  const question = pairs.filter((pair) => splitOf(pair.item) === "unseen_question");
  const entity = pairs.filter((pair) => splitOf(pair.item) === "unseen_entity");
  if (question.length === 0 || entity.length === 0)
    return { ...base, measure: "accuracy (one split present)" };
  const final = Math.round(harmonicMean([percent(question), percent(entity)]) * 100) / 100;
  return {
    ...base,
    measure: "harmonic mean of the unseen-question and unseen-entity scores",
    overall: waldInterval(final / 100, pairs.length),
    metrics: {
      ...base.metrics,
      unseenQuestion: percent(question) / 100,
      unseenEntity: percent(entity) / 100,
    },
  };
};
