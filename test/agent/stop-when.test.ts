import { describe, expect, it } from "vitest";
import { toolCalled } from "../../src/agent/stop-conditions.js";
import { cropCall, modelServer, requestText, runWithServer } from "./agent-harness.js";

describe("runAgent stopWhen (real client, real server, real image tools)", () => {
  it("ends with the final-answer turn when a caller's condition fires, telling the model why", async () => {
    const server = await modelServer([{ toolCalls: [cropCall([0, 0, 320, 240])] }, { content: "Red." }]);
    const { trajectory } = await runWithServer({ server, stopWhen: toolCalled("crop") });
    expect(server.requests).toHaveLength(2);
    expect(server.requests[1]!.body.tools).toBeUndefined();
    expect(requestText(server, 1)).toContain("crop was called");
    expect(trajectory).toMatchObject({
      stopReason: "stop-condition",
      stopDescription: "crop was called",
      answer: "Red.",
    });
  });

  it("takes user-written conditions over the run's progress, after the budgets", async () => {
    const server = await modelServer([
      { toolCalls: [cropCall([0, 0, 320, 240])], usage: { prompt_tokens: 10, completion_tokens: 5 } },
      { content: "Red." },
    ]);
    const { trajectory } = await runWithServer({
      server,
      budgets: { maxSteps: 1 },
      stopWhen: [
        (progress) =>
          progress.usage.completionTokens >= 5 && { stopReason: "stop-condition", description: "mine" },
      ],
    });
    // Both hold after step 1; the step budget is reported, as it comes first.
    expect(trajectory.stopReason).toBe("budget-steps");
    expect(trajectory.stopDescription).toBeUndefined();
  });

  it("stops at budgets.maxCostUsd with the config's price for the model", async () => {
    const server = await modelServer([
      {
        toolCalls: [cropCall([0, 0, 320, 240])],
        usage: { prompt_tokens: 200_000, completion_tokens: 150_000 },
      },
      { content: "Red." },
    ]);
    const { trajectory } = await runWithServer({
      server,
      budgets: { maxCostUsd: 1 },
      config: { modelPrices: { "test-model": { inputPerMillionTokens: 1, outputPerMillionTokens: 6 } } },
    });
    expect(trajectory.stopReason).toBe("budget-cost");
    expect(requestText(server, 1)).toContain("the cost budget is used up");
  });

  it("refuses a cost budget for a model it has no price for", async () => {
    const server = await modelServer([{ content: "Red." }]);
    await expect(runWithServer({ server, budgets: { maxCostUsd: 1 } })).rejects.toThrow(
      /no price is known for model "test-model": add it under modelPrices/,
    );
  });
});
