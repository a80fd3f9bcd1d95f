/**
 * `loupe serve`'s cost, measured in one run on loopback against the scripted model server:
 *
 * 1. Overhead of POST /v1/chat/completions (a question answered with no tool call) over asking
 *    the model server directly with the same openai client: median and p95 wall time of
 *    `--requests` sequential requests each way, and their ratio; between them the library's
 *    `ask()`, so the figure splits into what a run costs and what the HTTP server adds.
 * 2. Events per second delivered to `--clients` concurrent SSE clients of one run's
 *    /v1/runs/:id/events (a reply streamed in `--events` pieces, so that many text-delta
 *    events), counted by the clients: total events received / wall time from the run's start
 *    to the last client's end. Clients and server share this process (and its cores).
 *
 *   node --import tsx bench/server.ts [--requests 200] [--clients 100] [--events 5000]
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import OpenAI from "openai";
import { ask } from "../src/api/ask.js";
import { resolveConfig } from "../src/api/resolve-config.js";
import { listen } from "../src/apps/server/listen.js";
import { createServerApp } from "../src/apps/server/server-app.js";
import { startModelServer, TEST_MODEL_ID } from "../src/testing/model-server.js";

const argument = (name: string, fallback: number) => {
  const at = process.argv.indexOf(name);
  return at >= 0 ? Number(process.argv[at + 1]) : fallback;
};
const requests = argument("--requests", 200);
const clients = argument("--clients", 100);
const eventCount = argument("--events", 5000);

const answer = "The sign says: North exit, 200 metres.";
const model = await startModelServer((request) =>
  JSON.stringify(request.body.messages).includes("stream many")
    ? {
        content: "x".repeat(eventCount),
        chunkSize: 1,
        usage: { prompt_tokens: 10, completion_tokens: eventCount },
      }
    : { content: answer, usage: { prompt_tokens: 40, completion_tokens: 12 } },
);
const env: NodeJS.ProcessEnv = {
  ...process.env,
  LOUPE_HOME: mkdtempSync(join(tmpdir(), "loupe-bench-serve-")),
};
delete env.LOUPE_API_KEYS;
/** A `loupe serve` app on a loopback port; `stream` is how it asks the model server. */
async function startLoupe(stream: boolean) {
  const raw = {
    model: { baseUrl: model.baseUrl, name: TEST_MODEL_ID, maxRetries: 0, stream },
    tools: ["crop"],
    server: { maxConcurrentRunsPerKey: 1000, eventBufferSize: eventCount + 1000 },
  };
  const config = await resolveConfig(raw, { env });
  const server = createServerApp({ baseConfig: raw, config, env });
  const listening = await listen(server.app, { port: 0, apiKeys: [] });
  return {
    url: listening.url,
    close: async () => {
      await server.close();
      await listening.close();
    },
  };
}
// Whole replies upstream, as the direct client asks for them: the same work on the model side.
const wholeReplies = await startLoupe(false);

const direct = new OpenAI({ baseURL: model.baseUrl, apiKey: "unused", maxRetries: 0 });
const throughLoupe = new OpenAI({ baseURL: `${wholeReplies.url}/v1`, apiKey: "unused", maxRetries: 0 });
const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: "user", content: "What does the sign say?" }];

async function timeRequests(client: OpenAI, count: number): Promise<number[]> {
  const times: number[] = [];
  for (let index = 0; index < count; index++) {
    const started = performance.now();
    const reply = await client.chat.completions.create({ model: TEST_MODEL_ID, messages });
    times.push(performance.now() - started);
    if (reply.choices[0]?.message.content !== answer) throw new Error("unexpected answer");
  }
  return times;
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
};

/** The library's `ask` on the same model server: what a run costs before any HTTP of Loupe's own. */
async function timeAsk(count: number): Promise<number[]> {
  const times: number[] = [];
  for (let index = 0; index < count; index++) {
    const started = performance.now();
    const result = await ask({
      model: { baseUrl: model.baseUrl, name: TEST_MODEL_ID, maxRetries: 0, stream: false },
      question: "What does the sign say?",
      tools: ["crop"],
      env,
    });
    times.push(performance.now() - started);
    if (result.answer !== answer) throw new Error("unexpected answer");
  }
  return times;
}

// Warm both paths (JIT, connections, the config and dialect code) before measuring.
await timeRequests(direct, 20);
await timeRequests(throughLoupe, 20);
await timeAsk(20);
const directTimes = await timeRequests(direct, requests);
const askTimes = await timeAsk(requests);
const loupeTimes = await timeRequests(throughLoupe, requests);
const directMedian = percentile(directTimes, 50);
const loupeMedian = percentile(loupeTimes, 50);
console.log(`chat completions, ${requests} sequential requests each, no tool call:`);
console.log(
  `  model server directly: median ${directMedian.toFixed(2)} ms, p95 ${percentile(directTimes, 95).toFixed(2)} ms`,
);
const askMedian = percentile(askTimes, 50);
console.log(
  `  the library's ask():    median ${askMedian.toFixed(2)} ms, p95 ${percentile(askTimes, 95).toFixed(2)} ms`,
);
console.log(
  `  through loupe serve:   median ${loupeMedian.toFixed(2)} ms, p95 ${percentile(loupeTimes, 95).toFixed(2)} ms`,
);
console.log(
  `  overhead: ${(loupeMedian - directMedian).toFixed(2)} ms per request (median), ratio ${(loupeMedian / directMedian).toFixed(2)}x;`,
);
console.log(
  `  of which the HTTP server itself (serve − ask): ${(loupeMedian - askMedian).toFixed(2)} ms, ratio ${(loupeMedian / askMedian).toFixed(2)}x over ask()`,
);

await wholeReplies.close();

// SSE fan-out: one run, `clients` readers of its events; the model streams, one event per piece.
const listening = await startLoupe(true);
const started = performance.now();
const created = await fetch(`${listening.url}/v1/runs`, {
  method: "POST",
  headers: { "content-type": "application/json" },
  body: JSON.stringify({ question: "stream many", model: TEST_MODEL_ID }),
});
const { id } = (await created.json()) as { id: string };
async function countEvents(): Promise<number> {
  const response = await fetch(`${listening.url}/v1/runs/${id}/events`);
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let count = 0;
  let tail = "";
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    const text = tail + decoder.decode(value, { stream: true });
    const blocks = text.split("\n\n");
    tail = blocks.pop() ?? "";
    count += blocks.filter((block) => block.startsWith("id: ")).length;
  }
  return count;
}
const counts = await Promise.all(Array.from({ length: clients }, () => countEvents()));
const seconds = (performance.now() - started) / 1000;
const total = counts.reduce((sum, count) => sum + count, 0);
const perClient = counts[0] ?? 0;
console.log(`SSE: ${clients} clients of one run with ${perClient} events each (${eventCount}-piece reply):`);
console.log(
  `  ${total.toLocaleString("en-US")} events delivered in ${seconds.toFixed(2)} s: ${Math.round(total / seconds).toLocaleString("en-US")} events/s in all, ${Math.round(perClient / seconds).toLocaleString("en-US")} per client`,
);
if (counts.some((count) => count !== perClient))
  console.log("  (clients did not all receive the same number of events)");

await listening.close();
await model.close();
