import { describe, expect, it } from "vitest";
import { z } from "zod";
import { modelConfigSchema } from "../../src/core/config.js";
import type { AnyTool } from "../../src/core/tool.js";
import { trajectorySchema } from "../../src/core/trajectory.js";
import { ChatClient } from "../../src/models/chat-client.js";
import type { ReadPage } from "../../src/search/backend.js";
import { createPageSummarizer } from "../../src/tools/search/page-summarizer.js";
import { modelServer, runWithServer } from "./agent-harness.js";

const page: ReadPage = {
  url: "https://harbour.example/keeper",
  title: "The last keeper",
  markdown: "The lighthouse keeper retired in 1990.",
  links: [],
  images: [],
  contentType: "text/html",
};

describe("page summaries and the run's token budget (real client, real server)", () => {
  it("counts the summarizer's tokens, reported through the tool context, toward the token budget and budgetsUsed", async () => {
    const server = await modelServer([
      {
        toolCalls: [{ id: "r", name: "read_page", arguments: {} }],
        usage: { prompt_tokens: 300, completion_tokens: 50 },
      },
      { content: "He retired in 1990.", usage: { prompt_tokens: 800, completion_tokens: 100 } },
      { content: "1990.", usage: { prompt_tokens: 100, completion_tokens: 10 } },
    ]);
    const summarize = createPageSummarizer(
      new ChatClient(modelConfigSchema.parse({ baseUrl: server.baseUrl, name: "test-model", maxRetries: 0 })),
    );
    // A real Tool that reads a page through the real summarizer, as web_visit does.
    const readPage: AnyTool = {
      name: "read_page",
      description: "Reads the keeper's page.",
      parameters: z.object({}),
      execute: async (_args, context) => ({
        text: (await summarize(page, context.question, context)).text,
        images: [],
      }),
    };
    const { trajectory, events } = await runWithServer({
      server,
      question: "When did the keeper retire?",
      tools: [readPage],
      budgets: { maxTokens: 1000 },
    });
    expect(server.requests[1]!.body.messages[1].content).toContain("<page>");
    expect(trajectory.steps[0]!.observations[0]!.text).toBe("He retired in 1990.");
    // 350 tokens of turns alone would leave room; with the summary's 900 the budget is spent.
    expect(trajectory.stopReason).toBe("budget-tokens");
    expect(server.requests[2]!.body.tools).toBeUndefined();
    expect(trajectory.budgetsUsed.usage).toMatchObject({ promptTokens: 1200, completionTokens: 160 });
    expect(trajectory.steps.map((step) => step.usage.promptTokens)).toEqual([300, 100]);
    expect(events.at(-1)).toMatchObject({ type: "run-end", usage: { promptTokens: 1200 } });
    expect(trajectory.answer).toBe("1990.");
    expect(trajectorySchema.safeParse(trajectory).success).toBe(true);
  });
});
