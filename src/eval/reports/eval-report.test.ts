import { describe, expect, it } from "vitest";
import type { EvalResult, EvaluationRecord } from "../../store/eval-store.js";
import { distribution } from "./distribution.js";
import { buildReport } from "./eval-report.js";
import { htmlReport } from "./html-report.js";
import { markdownReport } from "./markdown-report.js";

/** Made-up results of a generic-benchmark evaluation, with known figures. */
const evaluation: EvaluationRecord = {
  id: "made-up",
  benchmark: "generic",
  createdAt: "2026-12-02T00:00:00.000Z",
  settings: { variants: ["default"], model: "m", dialect: "native" },
  items: Array.from({ length: 12 }, (_, index) => `i${index}`),
};

function results(): EvalResult[] {
  // 10 finished: 6 correct (4 of 5 in "a", 2 of 5 in "b"), one failed, two still running.
  return evaluation.items.slice(0, 12).map((itemId, index) => {
    const running = index >= 10;
    const failed = index === 9;
    const correct = [0, 1, 2, 3, 5, 6].includes(index);
    return {
      evalId: "made-up",
      variant: "default",
      itemId,
      position: index,
      status: running ? "running" : failed ? "error" : "done",
      attempts: 1,
      startedAt: "",
      category: index < 5 ? "a" : "b",
      ...(running
        ? {}
        : {
            correct,
            score: correct ? 1 : 0,
            scored: { id: itemId, correct, score: correct ? 1 : 0, why: "" },
            wallMs: (index + 1) * 100,
            promptTokens: 1000,
            completionTokens: 10 * (index + 1),
            costUsd: 0.01,
            toolCalls: index < 4 ? ["crop", "python"].slice(0, (index % 2) + 1) : [],
            ...(failed ? { error: "model-http: 500" } : {}),
          }),
    };
  });
}

describe("buildReport", () => {
  const report = buildReport(evaluation, results());
  const [variant] = report.variants;

  it("gives accuracy per benchmark and category with Wald 95% intervals", () => {
    expect(variant!.summary.overall.value).toBeCloseTo(0.6, 12);
    expect(variant!.summary.overall.n).toBe(10);
    const half = 1.959964 * Math.sqrt((0.6 * 0.4) / 10);
    expect(variant!.summary.overall.low).toBeCloseTo(0.6 - half, 6);
    expect(variant!.summary.overall.high).toBeCloseTo(0.6 + half, 6);
    expect(variant!.summary.categories.a).toMatchObject({ value: 0.8, n: 5 });
    expect(variant!.summary.categories.b).toMatchObject({ value: 0.4, n: 5 });
    expect(variant).toMatchObject({
      finished: 10,
      failed: 1,
      pending: 2,
      failures: [{ id: "i9", error: "model-http: 500" }],
    });
  });

  it("gives tool use per question, by tool, by category and by outcome", () => {
    // Calls: i0 1, i1 2, i2 1, i3 2 → 6 calls over 10 questions.
    expect(variant!.tools.callsPerQuestion).toBeCloseTo(0.6, 12);
    expect(variant!.tools.questionsWithTools).toBeCloseTo(0.4, 12);
    expect(variant!.tools.byTool).toEqual({ crop: 4, python: 2 });
    expect(variant!.tools.byCategory.a).toEqual({ questions: 5, callsPerQuestion: 1.2 });
    expect(variant!.tools.byOutcome.correct).toEqual({ questions: 6, callsPerQuestion: 1 });
    expect(variant!.tools.byOutcome.incorrect).toEqual({ questions: 4, callsPerQuestion: 0 });
  });

  it("gives latency and token distributions and the cost", () => {
    expect(variant!.latencyMs).toMatchObject({ n: 10, p50: 500, p90: 900, max: 1000, mean: 550 });
    expect(variant!.tokens.completion).toMatchObject({ p50: 50, p90: 90, max: 100 });
    expect(variant!.tokens.total).toBe(10_000 + 550);
    expect(variant!.costUsd).toBeCloseTo(0.1, 12);
  });

  it("writes the same figures as markdown and as a self-contained HTML page", () => {
    const markdown = markdownReport(report);
    expect(markdown).toContain("| **overall** | **60.0 [29.6, 90.4] (n=10)** |");
    expect(markdown).toContain("| a | 80.0 [44.9, 100.0] (n=5) |");
    expect(markdown).toContain("| latency | 500 ms | 900 ms | 1000 ms | 550.0 ms |");
    const html = htmlReport(report, new Map([["default", [100, 200, 300]]]));
    expect(html).toContain("<svg");
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/);
  });
});

describe("distribution", () => {
  it("takes nearest-rank percentiles", () => {
    expect(distribution([5, 1, 4, 2, 3])).toEqual({ n: 5, mean: 3, p50: 3, p90: 5, max: 5 });
    expect(distribution([])).toEqual({ n: 0, mean: 0, p50: 0, p90: 0, max: 0 });
  });
});
