import { describe, expect, it } from "vitest";
import type { EvalItem } from "../eval-item.js";
import type { ScoredItem } from "../scorers/scorer.js";
import { testItem } from "../scorers/scorer-test-support.js";
import { accuracySummary, meanScoreSummary } from "./accuracy-summary.js";
import { hrbenchCycleSummary } from "./hrbench-cycle-summary.js";
import { infoseekSummary } from "./infoseek-summary.js";
import type { ScoredPair } from "./score-summary.js";
import { simpleqaMetrics, simplevqaMetrics } from "./simpleqa-summary.js";
import { waldInterval } from "./wald-interval.js";

function pair(item: Partial<EvalItem>, score: Partial<ScoredItem> & { correct: boolean }): ScoredPair {
  return {
    item: testItem({ answer: "A", ...item }),
    score: { id: item.id ?? "1", score: score.correct ? 1 : 0, why: "", ...score },
  };
}

describe("summaries", () => {
  it("Wald 95%: p ± 1.96 √(p(1−p)/n), clipped", () => {
    const estimate = waldInterval(0.8, 100);
    expect(estimate.low).toBeCloseTo(0.8 - 1.959964 * 0.04, 6);
    expect(estimate.high).toBeCloseTo(0.8 + 1.959964 * 0.04, 6);
    expect(waldInterval(1, 10)).toMatchObject({ low: 1, high: 1 });
  });

  it("accuracy overall and per category, with the strict figure beside it", () => {
    const summary = accuracySummary()([
      pair({ id: "1", category: "direct_attributes" }, { correct: true, strict: { correct: true, why: "" } }),
      pair(
        { id: "2", category: "direct_attributes" },
        { correct: false, strict: { correct: true, why: "" } },
      ),
      pair({ id: "3", category: "relative_position" }, { correct: true, metrics: { iou: 0.5 } }),
    ]);
    expect(summary.overall.value).toBeCloseTo(2 / 3);
    expect(summary.categories.direct_attributes!.value).toBe(0.5);
    expect(summary.strict!.overall.value).toBe(1);
    expect(summary.metrics.iou).toBeCloseTo(0.5 / 3);
  });

  it("HR-Bench: per-cycle accuracy averaged over cycles, a category divided by all cycles", () => {
    const pairs = [
      // cycle 1: single 1/1, cross 0/1 → all 1/2
      pair({ id: "1", category: "single", meta: { cycleCategory: "1" } }, { correct: true }),
      pair({ id: "2", category: "cross", meta: { cycleCategory: "1" } }, { correct: false }),
      // cycle 2: single 1/3 → all 1/3 (no cross item: its sum is still divided by 2 cycles)
      pair({ id: "3", category: "single", meta: { cycleCategory: "2" } }, { correct: true }),
      pair({ id: "4", category: "single", meta: { cycleCategory: "2" } }, { correct: false }),
      pair({ id: "5", category: "single", meta: { cycleCategory: "2" } }, { correct: false }),
    ];
    const summary = hrbenchCycleSummary(pairs);
    expect(summary.overall.value).toBeCloseTo((1 / 2 + 1 / 3) / 2);
    expect(summary.categories.FSP!.value).toBeCloseTo((1 + 1 / 3) / 2);
    expect(summary.categories.FCP!.value).toBe(0);
    expect(summary.metrics.cycles).toBe(2);
  });

  it("SimpleQA: correct, accuracy given attempted and their F1", () => {
    const metrics = simpleqaMetrics([
      pair({ id: "1" }, { correct: true, attempted: true }),
      pair({ id: "2" }, { correct: false, attempted: true }),
      pair({ id: "3" }, { correct: false, attempted: false }),
      pair({ id: "4" }, { correct: true, attempted: true }),
    ]);
    expect(metrics.correct).toBe(0.5);
    expect(metrics.notAttempted).toBe(0.25);
    expect(metrics.accuracyGivenAttempted).toBeCloseTo(2 / 3);
    expect(metrics.f1).toBeCloseTo((2 * (2 / 3) * 0.5) / (2 / 3 + 0.5));
  });

  it("SimpleVQA rounds the fractions to 4 places before accuracy given attempted", () => {
    const pairs = [
      pair({ id: "1" }, { correct: true, attempted: true }),
      pair({ id: "2" }, { correct: false, attempted: true }),
      pair({ id: "3" }, { correct: false, attempted: false }),
    ];
    const metrics = simplevqaMetrics(pairs);
    expect(metrics.correct).toBe(0.3333);
    // The rounded fractions: 0.3333 / round(0.3333 + 0.3333, 4).
    expect(metrics.accuracyGivenAttempted).toBe(0.3333 / 0.6666);
  });

  it("InfoSeek: the harmonic mean of the two splits' rounded percentages", () => {
    const pairs = [
      pair({ id: "1", meta: { dataSplit: "val_unseen_question" } }, { correct: true }),
      pair({ id: "2", meta: { dataSplit: "val_unseen_question" } }, { correct: false }),
      pair({ id: "3", meta: { dataSplit: "val_unseen_entity" } }, { correct: true }),
      pair({ id: "4", meta: { dataSplit: "val_unseen_entity" } }, { correct: true }),
      pair({ id: "5", meta: { dataSplit: "val_unseen_entity" } }, { correct: false }),
    ];
    const summary = infoseekSummary(pairs);
    // 50.0 and 66.67 → 2 / (1/50 + 1/66.67) = 57.14
    expect(summary.overall.value).toBeCloseTo(0.5714, 4);
    expect(summary.metrics.unseenEntity).toBeCloseTo(0.6667, 4);
  });

  it("mean F1 with a normal interval", () => {
    const summary = meanScoreSummary()([
      pair({ id: "1" }, { correct: true, score: 1 }),
      pair({ id: "2" }, { correct: false, score: 0.5 }),
    ]);
    expect(summary.overall.value).toBe(0.75);
    expect(summary.metrics.exactAccuracy).toBe(0.5);
  });
});
