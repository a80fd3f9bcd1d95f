import { describe, expect, it } from "vitest";
import { describeStop } from "../../src/agent/budget-tracker.js";
import { ImageSet } from "../../src/core/image-set.js";
import { trajectorySchema } from "../../src/core/trajectory.js";
import { getDialect } from "../../src/dialects/registry.js";
import { cropCall, modelServer, requestText, runWithServer } from "./agent-harness.js";

function finalAnswerText(reason: Parameters<typeof describeStop>[0]): string {
  const request = getDialect("native").finalAnswerRequest(describeStop(reason), {
    tools: [],
    images: new ImageSet(),
    question: "",
  });
  const part = request.role === "user" ? request.content[0] : undefined;
  return part?.type === "text" ? part.text : "";
}

describe("runAgent budgets (real client, real server, real image tools)", () => {
  it("asks for a final answer without tools when the step budget runs out", async () => {
    const server = await modelServer([
      { toolCalls: [cropCall([0, 0, 320, 240])] },
      { toolCalls: [cropCall([320, 0, 640, 240])] },
      { content: "Red." },
    ]);
    const run = await runWithServer({ server, budgets: { maxSteps: 2 } });
    expect(server.requests).toHaveLength(3);
    expect(server.requests[0]!.body.tools).toBeDefined();
    expect(server.requests[2]!.body.tools).toBeUndefined();
    expect(server.requests[2]!.body.parallel_tool_calls).toBeUndefined();
    expect(requestText(server, 2)).toContain(finalAnswerText("budget-steps"));
    expect(requestText(server, 1)).not.toContain(finalAnswerText("budget-steps"));
    const { trajectory } = run;
    expect(trajectory.stopReason).toBe("budget-steps");
    expect(trajectory.answer).toBe("Red.");
    expect(trajectory.steps).toHaveLength(3);
    expect(trajectory.steps[2]!.answer).toBe("Red.");
    expect(trajectory.budgetsUsed).toMatchObject({ steps: 3, toolCalls: 2 });
    expect(trajectorySchema.safeParse(trajectory).success).toBe(true);
  });

  it("refuses calls over the tool-call budget, then asks for the final answer", async () => {
    const server = await modelServer([
      { toolCalls: [cropCall([0, 0, 100, 100], "a"), cropCall([100, 100, 200, 200], "b")] },
      { content: "Red, I think." },
    ]);
    const { trajectory } = await runWithServer({ server, budgets: { maxToolCalls: 1 } });
    const [first, second] = trajectory.steps[0]!.observations;
    expect(first).toMatchObject({ callId: "a", isError: false });
    expect(first!.images).toHaveLength(1);
    expect(second).toMatchObject({ callId: "b", isError: true, images: [] });
    expect(second!.text).toMatch(/^Not run: the tool-call budget/);
    expect(trajectory.stopReason).toBe("budget-tool-calls");
    expect(trajectory.budgetsUsed.toolCalls).toBe(1);
    expect(server.requests[1]!.body.tools).toBeUndefined();
    expect(requestText(server, 1)).toContain(finalAnswerText("budget-tool-calls"));
    expect(trajectory.answer).toBe("Red, I think.");
  });

  it("counts the tokens the server reports against the token budget", async () => {
    const server = await modelServer([
      { toolCalls: [cropCall([0, 0, 320, 240])], usage: { prompt_tokens: 900, completion_tokens: 200 } },
      { content: "Red.", usage: { prompt_tokens: 1200, completion_tokens: 10 } },
    ]);
    const { trajectory } = await runWithServer({ server, budgets: { maxTokens: 1000 } });
    expect(trajectory.stopReason).toBe("budget-tokens");
    expect(server.requests[1]!.body.tools).toBeUndefined();
    expect(requestText(server, 1)).toContain(finalAnswerText("budget-tokens"));
    expect(trajectory.budgetsUsed.usage).toMatchObject({ promptTokens: 2100, completionTokens: 210 });
    expect(trajectory.steps.map((step) => step.usage.promptTokens)).toEqual([900, 1200]);
    expect(trajectory.answer).toBe("Red.");
  });

  it("asks for the final answer once the wall-time budget has passed", async () => {
    // The first reply takes longer than the whole budget, so whatever else happens, the request
    // after it is the final-answer turn.
    // The script answers by what is asked, not by turn number: on a loaded machine the budget may
    // already be spent before the first request, which is then the final-answer turn itself.
    const server = await modelServer((request) =>
      request.body.tools ? { toolCalls: [cropCall([0, 0, 320, 240])], delayMs: 600 } : { content: "Red." },
    );
    const { trajectory } = await runWithServer({ server, budgets: { maxWallMs: 500 } });
    expect(trajectory.stopReason).toBe("budget-time");
    const last = server.requests.length - 1;
    expect(server.requests[last]!.body.tools).toBeUndefined();
    expect(requestText(server, last)).toContain(finalAnswerText("budget-time"));
    expect(trajectory.answer).toBe("Red.");
  });
});
