import type { EvalItem } from "../eval-item.js";
import { metaString, metricMeans } from "./accuracy-summary.js";
import type { ScoredPair, Summarizer } from "./score-summary.js";
import { type Estimate, waldInterval } from "./wald-interval.js";

/**
 * HR-Bench's report (VLMEvalKit vlmeval/dataset/utils/hrbench.py `report_acc_hrbench`): items
 * grouped by `cycle_category`; in each cycle the accuracy of all its items and of each category
 * (single = FSP, cross = FCP); each figure is then the plain mean over cycles. A cycle is not
 * required to be right as a whole: its items count one by one. Quirk kept: a category's sum is
 * divided by the number of all cycles, also when the category is absent from some of them.
 * Intervals are Wald's at the figure with n = the items behind it.
 */
const displayNames: Record<string, string> = { single: "FSP", cross: "FCP" };

function cycleOf(item: EvalItem): string {
  return metaString(item, "cycleCategory", "cycle_category", "cycle") ?? "cycle";
}

function cycleAveraged(pairs: readonly ScoredPair[], correct: (pair: ScoredPair) => boolean) {
  const cycles = new Map<string, ScoredPair[]>();
  for (const pair of pairs) {
    const cycle = cycleOf(pair.item);
    cycles.set(cycle, [...(cycles.get(cycle) ?? []), pair]);
  }
  const sums = new Map<string, number>();
  const counts = new Map<string, number>();
  for (const members of cycles.values()) {
    const byType = new Map<string, ScoredPair[]>([["all", members]]);
    for (const pair of members) {
      const category = pair.item.category ?? "uncategorised";
      byType.set(category, [...(byType.get(category) ?? []), pair]);
    }
    for (const [type, group] of byType) {
      sums.set(type, (sums.get(type) ?? 0) + group.filter(correct).length / group.length);
      counts.set(type, (counts.get(type) ?? 0) + group.length);
    }
  }
  const figure = (type: string): Estimate =>
    waldInterval((sums.get(type) ?? 0) / Math.max(1, cycles.size), counts.get(type) ?? 0);
  const categories: Record<string, Estimate> = {};
  for (const type of [...sums.keys()].filter((type) => type !== "all").sort())
    categories[displayNames[type] ?? type] = figure(type);
  return { overall: figure("all"), categories, cycles: cycles.size };
}

export const hrbenchCycleSummary: Summarizer = (pairs) => {
  const official = cycleAveraged(pairs, (pair) => pair.score.correct);
  const hasStrict = pairs.some((pair) => pair.score.strict !== undefined);
  const strict = hasStrict
    ? cycleAveraged(pairs, (pair) => pair.score.strict?.correct ?? pair.score.correct)
    : undefined;
  return {
    measure: "accuracy averaged over cycles",
    overall: official.overall,
    categories: official.categories,
    metrics: { ...metricMeans(pairs), cycles: official.cycles },
    ...(strict ? { strict: { overall: strict.overall, categories: strict.categories } } : {}),
  };
};
