import type { EvalItem } from "../eval-item.js";
import type { ScoredPair, Summarizer } from "./score-summary.js";
import { type Estimate, meanInterval, waldInterval } from "./wald-interval.js";

/**
 * Accuracy overall and per category (the benchmark's `category`, or what `categoryOf` says), each
 * with a Wald interval; the mean of every per-item metric (TreeBench's `iou` is its mIoU); the
 * strict variant's accuracy when items carry one.
 */
export type CategoryOf = (item: EvalItem) => readonly string[];

export const byCategory: CategoryOf = (item) => (item.category ? [item.category] : []);

function accuracy(pairs: readonly ScoredPair[], correct: (pair: ScoredPair) => boolean): Estimate {
  const right = pairs.filter(correct).length;
  return waldInterval(pairs.length === 0 ? 0 : right / pairs.length, pairs.length);
}

function grouped(pairs: readonly ScoredPair[], categoryOf: CategoryOf): Map<string, ScoredPair[]> {
  const groups = new Map<string, ScoredPair[]>();
  for (const pair of pairs) {
    for (const category of categoryOf(pair.item)) {
      const group = groups.get(category) ?? [];
      group.push(pair);
      groups.set(category, group);
    }
  }
  return new Map([...groups.entries()].sort(([a], [b]) => a.localeCompare(b)));
}

export function metricMeans(pairs: readonly ScoredPair[]): Record<string, number> {
  const sums = new Map<string, number>();
  for (const { score } of pairs) {
    for (const [name, value] of Object.entries(score.metrics ?? {}))
      sums.set(name, (sums.get(name) ?? 0) + value);
  }
  return Object.fromEntries(
    [...sums.entries()].map(([name, sum]) => [name, pairs.length === 0 ? 0 : sum / pairs.length]),
  );
}

export function accuracySummary(categoryOf: CategoryOf = byCategory): Summarizer {
  return (pairs) => {
    const groups = grouped(pairs, categoryOf);
    const categories = Object.fromEntries(
      [...groups.entries()].map(([name, group]) => [name, accuracy(group, (pair) => pair.score.correct)]),
    );
    const hasStrict = pairs.some((pair) => pair.score.strict !== undefined);
    const strictCorrect = (pair: ScoredPair) => pair.score.strict?.correct ?? pair.score.correct;
    return {
      measure: "accuracy",
      overall: accuracy(pairs, (pair) => pair.score.correct),
      categories,
      metrics: metricMeans(pairs),
      ...(hasStrict
        ? {
            strict: {
              overall: accuracy(pairs, strictCorrect),
              categories: Object.fromEntries(
                [...groups.entries()].map(([name, group]) => [name, accuracy(group, strictCorrect)]),
              ),
            },
          }
        : {}),
    };
  };
}

/** The mean score (MMSearch's F1) overall and per category, with a normal interval. */
export function meanScoreSummary(categoryOf: CategoryOf = byCategory, measure = "mean score"): Summarizer {
  return (pairs) => {
    const groups = grouped(pairs, categoryOf);
    const correct = pairs.filter((pair) => pair.score.correct).length;
    return {
      measure,
      overall: meanInterval(pairs.map((pair) => pair.score.score)),
      categories: Object.fromEntries(
        [...groups.entries()].map(([name, group]) => [
          name,
          meanInterval(group.map((pair) => pair.score.score)),
        ]),
      ),
      metrics: { ...metricMeans(pairs), exactAccuracy: pairs.length === 0 ? 0 : correct / pairs.length },
    };
  };
}

/** A category path "Perception/Attributes" as its levels: "Perception" and "Perception/Attributes". */
export function pathLevels(path: string | undefined): string[] {
  if (!path) return [];
  const parts = path.split("/");
  return parts.map((_, index) => parts.slice(0, index + 1).join("/"));
}

/** A string field of the item's `meta`, under any of the names a loader may use. */
export function metaString(item: EvalItem, ...names: string[]): string | undefined {
  for (const name of names) {
    const value = item.meta[name];
    if (typeof value === "string" && value !== "") return value;
    if (typeof value === "number") return String(value);
  }
  return undefined;
}
