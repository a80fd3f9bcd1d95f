import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runAgent } from "../../src/agent/run-agent.js";
import { type LoupeConfig, loupeConfigSchema } from "../../src/core/config.js";
import type { Trajectory } from "../../src/core/trajectory.js";
import { getDialect } from "../../src/dialects/registry.js";
import { ChatClient } from "../../src/models/chat-client.js";
import { type LocalHttpServer, startLocalHttpServer } from "../../src/search/testing/local-http-server.js";
import { createToolbox, selectTools, type Toolbox } from "../../src/tools/registry.js";
import { createPageSummarizer } from "../../src/tools/search/page-summarizer.js";
import { type ModelServer, type RecordedRequest, startModelServer } from "../support/model-server.js";
import { testImage } from "./agent-harness.js";

/**
 * Eight runs at once in one process, as a server runs them: one toolbox, one model client, one
 * page summarizer. Each run must spend and hold only its own: the tokens its page summaries cost,
 * its budgets, its images and its calls.
 */

const questionCount = 8;
let pages: LocalHttpServer;
let model: ModelServer;
let config: LoupeConfig;
let toolbox: Toolbox;

const caseOf = (text: string): number => Number(/case (\d+)/.exec(text)?.[1] ?? Number.NaN);

function requestText(request: RecordedRequest): string {
  return JSON.stringify(request.body.messages);
}

beforeAll(async () => {
  pages = await startLocalHttpServer((request, response) => {
    const n = caseOf(decodeURIComponent(request.url));
    response.writeHead(200, { "Content-Type": "text/html" });
    response.end(
      `<html><head><title>Page of case ${n}</title></head><body><main><p>In case ${n} the keeper retired in ${1900 + n}.</p></main></body></html>`,
    );
  });
  // The model answers by case number; each case spends its own, distinct token counts, and the
  // replies are delayed so that the eight runs interleave.
  model = await startModelServer(async (request) => {
    const text = requestText(request);
    const n = caseOf(text);
    const isSummary = text.includes("<page>");
    if (isSummary) {
      return {
        content: `Summary for case ${n}: retired in ${1900 + n}.`,
        usage: { prompt_tokens: 1000 + 7 * n, completion_tokens: 40 + n },
        delayMs: 5 * (questionCount - n),
      };
    }
    const afterTools = request.body.messages.some((message: { role: string }) => message.role === "tool");
    if (!afterTools) {
      return {
        toolCalls: [
          { id: `visit_${n}`, name: "web_visit", arguments: { urls: [`${pages.url}/case ${n}`] } },
          { id: `crop_${n}`, name: "crop", arguments: { box: [0, 0, 200 + 10 * n, 150] } },
        ],
        usage: { prompt_tokens: 100 + n, completion_tokens: 10 + n },
        delayMs: 3 * n,
      };
    }
    return { content: `${1900 + n}`, usage: { prompt_tokens: 300 + 3 * n, completion_tokens: 5 + n } };
  });
  config = loupeConfigSchema.parse({
    model: { baseUrl: model.baseUrl, name: "test-model", maxRetries: 0 },
    tools: ["crop", "web_visit"],
    search: {
      backends: { page: ["direct"] },
      cache: { enabled: false },
      webVisit: { summarize: true, allowPrivateAddresses: true },
    },
  });
  toolbox = createToolbox(config, {
    summarizer: createPageSummarizer(new ChatClient(config.model), { maxChars: 2000 }),
  });
});

afterAll(async () => {
  await toolbox?.close();
  await Promise.all([pages?.close(), model?.close()]);
});

async function ask(client: ChatClient, n: number): Promise<Trajectory> {
  const dialect = getDialect(config.dialect);
  const { trajectory } = await runAgent({
    question: `When did the keeper retire in case ${n}?`,
    images: [await testImage()],
    config,
    model: client,
    dialect,
    tools: selectTools(toolbox, config.tools ?? [], dialect),
  });
  return trajectory;
}

/** What a run spent and holds, without times and run ids. */
function ownings(trajectory: Trajectory) {
  return {
    answer: trajectory.answer,
    stopReason: trajectory.stopReason,
    usage: trajectory.budgetsUsed.usage,
    steps: trajectory.budgetsUsed.steps,
    toolCalls: trajectory.budgetsUsed.toolCalls,
    stepUsage: trajectory.steps.map((step) => step.usage),
    calls: trajectory.steps.flatMap((step) => step.actions.map((action) => action.id)),
    observations: trajectory.steps.flatMap((step) =>
      step.observations.map((observation) => ({ callId: observation.callId, text: observation.text })),
    ),
    images: trajectory.images.map((image) => image.id),
  };
}

describe("concurrent runs in one process", () => {
  it("give each of 8 runs the same tokens, budgets, images and calls as it has alone", async () => {
    const client = new ChatClient(config.model);
    const alone: ReturnType<typeof ownings>[] = [];
    for (let n = 0; n < questionCount; n++) alone.push(ownings(await ask(client, n)));
    const together = (await Promise.all(Array.from({ length: questionCount }, (_, n) => ask(client, n)))).map(
      ownings,
    );

    for (let n = 0; n < questionCount; n++) {
      // The summary's tokens are the run's own: turns plus its one summary, nobody else's.
      expect(alone[n]!.usage).toMatchObject({
        promptTokens: 100 + n + 1000 + 7 * n + 300 + 3 * n,
        completionTokens: 10 + n + 40 + n + 5 + n,
      });
      expect(together[n]).toEqual(alone[n]);
      expect(together[n]!.answer).toBe(`${1900 + n}`);
      expect(together[n]!.calls).toEqual([`visit_${n}`, `crop_${n}`]);
      expect(together[n]!.observations[0]!.text).toContain(`Summary for case ${n}:`);
      // The input and this run's own crop (each case crops a different width), and no other run's.
      expect(together[n]!.images).toHaveLength(2);
      for (let other = 0; other < questionCount; other++) {
        if (other === n) continue;
        const otherCrop = together[other]!.images[1]!;
        expect(together[n]!.images).not.toContain(otherCrop);
      }
    }
  });
});
