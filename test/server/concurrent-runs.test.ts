import OpenAI from "openai";
import { afterAll, beforeAll, expect, it } from "vitest";
import { json, startTestServer, type TestServer, testPngDataUrl } from "./server-harness.js";

/**
 * Fifty runs at once through one server: each streams or waits for its own answer, and counts
 * only its own tokens, steps and calls, though they share the model client, toolbox and process.
 */

const runs = 50;
let loupe: TestServer;

const caseOf = (text: string): number => Number(/case (\d+)/.exec(text)?.[1] ?? Number.NaN);

beforeAll(async () => {
  loupe = await startTestServer(
    (request) => {
      const text = JSON.stringify(request.body.messages);
      const n = caseOf(text);
      const delayMs = (n * 37) % 120;
      if (!text.includes('"role":"tool"'))
        return {
          toolCalls: [{ name: "crop", arguments: { image: "image_1", box: [0, 0, 16 + (n % 16), 16] } }],
          usage: { prompt_tokens: 1000 + n, completion_tokens: n },
          delayMs,
        };
      return {
        content: `answer ${n}`,
        usage: { prompt_tokens: 2000 + n, completion_tokens: 2 * n },
        delayMs,
      };
    },
    { config: { server: { maxConcurrentRunsPerKey: 64 } } },
  );
});

afterAll(() => loupe.close());

it("runs 50 questions concurrently, each with its own answer and usage", async () => {
  const client = new OpenAI({ baseURL: `${loupe.url}/v1`, apiKey: "unused", maxRetries: 0 });
  const image = await testPngDataUrl();
  const ask = async (n: number) => {
    const messages: OpenAI.ChatCompletionMessageParam[] = [
      {
        role: "user",
        content: [
          { type: "text", text: `What is in case ${n}?` },
          { type: "image_url", image_url: { url: image } },
        ],
      },
    ];
    if (n % 2 === 0) {
      const reply = await client.chat.completions.create({ model: "test-model", messages });
      return {
        n,
        content: reply.choices[0]?.message.content,
        usage: reply.usage,
        runId: (reply as unknown as { loupe: { run_id: string } }).loupe.run_id,
      };
    }
    const stream = await client.chat.completions.create({
      model: "test-model",
      messages,
      stream: true,
      stream_options: { include_usage: true },
    });
    let content = "";
    let usage: OpenAI.CompletionUsage | undefined;
    let runId = "";
    for await (const chunk of stream) {
      content += chunk.choices[0]?.delta?.content ?? "";
      if (chunk.usage) usage = chunk.usage;
      runId ||= (chunk as unknown as { loupe?: { run_id: string } }).loupe?.run_id ?? "";
    }
    return { n, content, usage, runId };
  };
  const results = await Promise.all(Array.from({ length: runs }, (_unused, n) => ask(n)));
  for (const result of results) {
    const { n } = result;
    expect(result.content).toBe(`answer ${n}`);
    expect(result.usage).toMatchObject({ prompt_tokens: 3000 + 2 * n, completion_tokens: 3 * n });
    const run = await json(await fetch(`${loupe.url}/v1/runs/${result.runId}`));
    expect(run.trajectory.budgetsUsed).toMatchObject({ steps: 2, toolCalls: 1 });
    expect(run.trajectory.steps[0].actions[0].arguments.box).toEqual([0, 0, 16 + (n % 16), 16]);
    expect(run.trajectory.question).toBe(`What is in case ${n}?`);
  }
  expect(new Set(results.map((result) => result.runId)).size).toBe(runs);
  const metrics = await (await fetch(`${loupe.url}/metrics`)).text();
  expect(metrics).toMatch(new RegExp(`^loupe_runs_finished_total\\{stop_reason="answer"\\} ${runs}$`, "m"));
  expect(metrics).toMatch(new RegExp(`^loupe_tool_calls_total\\{tool="crop"\\} ${runs}$`, "m"));
}, 60_000);
