import { describe, expect, it } from "vitest";
import { budgetsSchema } from "../core/config.js";
import { BudgetTracker } from "./budget-tracker.js";

describe("BudgetTracker", () => {
  const budgets = budgetsSchema.parse({ maxSteps: 3, maxToolCalls: 2, maxTokens: 100, maxWallMs: 1000 });

  it("reports the first exhausted budget", () => {
    const tracker = new BudgetTracker(budgets, 0);
    expect(tracker.exhausted(10)).toBeUndefined();
    tracker.recordToolCall();
    tracker.recordToolCall();
    expect(tracker.exhausted(10)).toBe("budget-tool-calls");
    expect(tracker.remainingToolCalls()).toBe(0);
  });

  it("counts steps, tokens and time", () => {
    const steps = new BudgetTracker(budgets, 0);
    for (let index = 0; index < 3; index++) steps.recordStep({ promptTokens: 1, completionTokens: 1 });
    expect(steps.exhausted(10)).toBe("budget-steps");
    const tokens = new BudgetTracker(budgets, 0);
    tokens.recordStep({ promptTokens: 90, completionTokens: 10, cachedPromptTokens: 50 });
    expect(tokens.exhausted(10)).toBe("budget-tokens");
    expect(tokens.usage.cachedPromptTokens).toBe(50);
    expect(new BudgetTracker(budgets, 0).exhausted(1000)).toBe("budget-time");
  });
});
