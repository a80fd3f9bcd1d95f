import { describe, expect, it } from "vitest";
import { zeroUsage } from "../core/model-output.js";
import { builtInPrices, costUsd, priceOf } from "./model-prices.js";
import {
  anyOf,
  costIs,
  type RunProgress,
  stepCountIs,
  tokenCountIs,
  toolCallCountIs,
  toolCalled,
  wallTimeIs,
} from "./stop-conditions.js";

function progress(extra: Partial<RunProgress> = {}): RunProgress {
  return {
    model: "gpt-4o-2024-08-06",
    steps: 0,
    toolCalls: 0,
    toolCallsByTool: new Map(),
    usage: zeroUsage,
    elapsedMs: 0,
    repeatRefusals: 0,
    ...extra,
  };
}

describe("stop conditions", () => {
  it("fire at their budget and not before", () => {
    expect(stepCountIs(3)(progress({ steps: 2 }))).toBeUndefined();
    expect(stepCountIs(3)(progress({ steps: 3 }))).toBe("budget-steps");
    expect(toolCallCountIs(2)(progress({ toolCalls: 2 }))).toBe("budget-tool-calls");
    expect(toolCallCountIs(1, "image_search")(progress({ toolCalls: 5 }))).toBeUndefined();
    expect(
      toolCallCountIs(1, "image_search")(progress({ toolCallsByTool: new Map([["image_search", 1]]) })),
    ).toEqual({
      stopReason: "budget-tool-calls",
      description: "image_search has been called 1 times",
    });
    expect(tokenCountIs(100)(progress({ usage: { promptTokens: 60, completionTokens: 40 } }))).toBe(
      "budget-tokens",
    );
    expect(wallTimeIs(1000)(progress({ elapsedMs: 999 }))).toBeUndefined();
  });

  it("toolCalled looks at the last step's actions", () => {
    const lastStep = {
      index: 1,
      startedAt: "",
      durationMs: 0,
      modelDurationMs: 0,
      output: { content: "", toolCalls: [], finishReason: "tool_calls" },
      actions: [{ id: "1", tool: "submit", arguments: {}, raw: "" }],
      actionErrors: [],
      observations: [],
      usage: zeroUsage,
    };
    expect(toolCalled("submit")(progress({ lastStep }))).toEqual({
      stopReason: "stop-condition",
      description: "submit was called",
    });
    expect(toolCalled("crop")(progress({ lastStep }))).toBeUndefined();
  });

  it("anyOf gives the first verdict in order", () => {
    const mine = () => ({ stopReason: "stop-condition" as const, description: "enough" });
    expect(anyOf(stepCountIs(1), mine)(progress({ steps: 1 }))).toBe("budget-steps");
    expect(anyOf(stepCountIs(5), mine)(progress({ steps: 1 }))).toEqual({
      stopReason: "stop-condition",
      description: "enough",
    });
    expect(anyOf()(progress())).toBeUndefined();
  });

  it("costIs prices tokens by model, dated versions by their family, cached prompts at their price", () => {
    expect(priceOf("gpt-4o-2024-08-06", builtInPrices)).toBe(builtInPrices["gpt-4o"]);
    expect(priceOf("gpt-4o-mini-2024-07-18", builtInPrices)).toBe(builtInPrices["gpt-4o-mini"]);
    expect(priceOf("qwen2.5-vl-7b", builtInPrices)).toBeUndefined();
    const price = { inputPerMillionTokens: 2, outputPerMillionTokens: 10, cachedInputPerMillionTokens: 1 };
    expect(
      costUsd({ promptTokens: 1_000_000, completionTokens: 100_000, cachedPromptTokens: 500_000 }, price),
    ).toBe(2.5);
    const table = { "my-model": price };
    const spent = { promptTokens: 500_000, completionTokens: 0 };
    expect(costIs(1, table)(progress({ model: "my-model", usage: spent }))).toBe("budget-cost");
    expect(costIs(1.01, table)(progress({ model: "my-model", usage: spent }))).toBeUndefined();
    expect(costIs(0.000001, table)(progress({ model: "unpriced", usage: spent }))).toBeUndefined();
  });
});
