/**
 * Plan mode and research mode figures, from one run:
 *  1. Wall time of plan-execute against interleaved on the same scripted task with two
 *     independent branches (search A → read A's page; search B → read B's page; answer), the
 *     model server answering every request after a fixed latency (--latency-ms, 300 by default),
 *     the real text_search and web_visit tools over a local index made here. Interleaved is the
 *     agent loop with one tool call per turn, as R1V4 and most VLM agents act (5 model turns);
 *     the plan is 1 planner turn, the four tool steps (two branches at once; the URLs come from
 *     the search hits, no model call) and the answer (2 model turns). The loop with both
 *     branches' calls in one turn (parallel tool calls, 3 turns) is printed too.
 *  2. The share of a research report's citations that resolve to stored evidence that supports
 *     them, on the scripted research task (sub-agents search and read; the report writer quotes
 *     the evidence with the numbers it was given), and whether a planted unsupported sentence is
 *     flagged.
 *
 *   node --import tsx bench/plan.ts [--rounds 3] [--latency-ms 300]
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { ask } from "../src/api/ask.js";
import { openLocalIndex } from "../src/search/local-index/index.js";
import { type RecordedRequest, type ScriptedReply, startModelServer } from "../src/testing/model-server.js";

const argument = (name: string) =>
  process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : undefined;
const rounds = Number(argument("--rounds")) || 3;
const latencyMs = Number(argument("--latency-ms")) || 300;

const folder = mkdtempSync(join(tmpdir(), "loupe-bench-plan-"));
const pages = join(folder, "pages");
mkdirSync(pages);
const alphaFile = join(pages, "alpha.md");
const betaFile = join(pages, "beta.md");
writeFileSync(alphaFile, "# Alpha bridge\n\nThe Alpha bridge opened in 1932 and is 503 metres long.\n");
writeFileSync(betaFile, "# Beta tower\n\nThe Beta tower was finished in 1889 and is 300 metres tall.\n");
const indexPath = join(folder, "index.sqlite");
const index = openLocalIndex(indexPath);
await index.add([pages]);
index.close();
const alphaUrl = pathToFileURL(alphaFile).href;
const betaUrl = pathToFileURL(betaFile).href;

function textOf(message: { content?: unknown }): string {
  if (typeof message.content === "string") return message.content;
  if (!Array.isArray(message.content)) return "";
  return message.content
    .filter((part: { type: string }) => part.type === "text")
    .map((part: { text: string }) => part.text)
    .join("");
}

function messagesOf(request: RecordedRequest): { role: string; content?: unknown }[] {
  return request.body.messages;
}

const call = (id: string, name: string, args: object) => ({ id, name, arguments: args });

const plan = JSON.stringify([
  {
    description: "Find the Alpha bridge.",
    tool_name: "text_search",
    parameters: { query: "Alpha bridge opened" },
  },
  {
    description: "Find the Beta tower.",
    tool_name: "text_search",
    parameters: { query: "Beta tower finished" },
  },
  {
    description: "Read [URL from Step 1].",
    tool_name: "web_visit",
    parameters: { url: "[URL from Step 1]" },
  },
  {
    description: "Read [URL from Step 2].",
    tool_name: "web_visit",
    parameters: { url: "[URL from Step 2]" },
  },
  { description: "Compare the years and answer.", tool_name: "none", parameters: {} },
]);

/** The same task in every mode: each request answered after the fixed latency. */
function taskModel(parallelCalls: boolean) {
  return (request: RecordedRequest): ScriptedReply => {
    const messages = messagesOf(request);
    const system = textOf(messages[0] ?? {});
    const turns = messages.filter((message) => message.role === "assistant").length;
    const reply = (body: ScriptedReply): ScriptedReply => ({ ...body, delayMs: latencyMs });
    if (system.startsWith("You plan how to answer")) return reply({ content: plan });
    if (system.startsWith("You answer a question from the results"))
      return reply({ content: "The Beta tower is older." });
    const sequential = [
      [call("a", "text_search", { queries: ["Alpha bridge opened"] })],
      [call("b", "web_visit", { urls: [alphaUrl] })],
      [call("c", "text_search", { queries: ["Beta tower finished"] })],
      [call("d", "web_visit", { urls: [betaUrl] })],
    ];
    const parallel = [
      [
        call("a", "text_search", { queries: ["Alpha bridge opened"] }),
        call("c", "text_search", { queries: ["Beta tower finished"] }),
      ],
      [call("b", "web_visit", { urls: [alphaUrl] }), call("d", "web_visit", { urls: [betaUrl] })],
    ];
    const calls = (parallelCalls ? parallel : sequential)[turns];
    return reply(calls ? { toolCalls: calls } : { content: "The Beta tower is older." });
  };
}

const home = join(folder, "home");
const common = {
  question: "Which is older, the Alpha bridge or the Beta tower?",
  tools: ["text_search", "web_visit"],
  config: { search: { cache: { enabled: false }, localIndex: { path: indexPath } } },
  env: { LOUPE_HOME: home },
};

async function timed(mode: "interleaved" | "plan", parallelCalls = false): Promise<number> {
  const server = await startModelServer(taskModel(parallelCalls));
  try {
    const startedAt = performance.now();
    const result = await ask({
      ...common,
      mode,
      model: { baseUrl: server.baseUrl, name: "bench-model", maxRetries: 0 },
    });
    const wall = performance.now() - startedAt;
    if (result.answer !== "The Beta tower is older.")
      throw new Error(`${mode}: unexpected answer ${result.answer}`);
    return wall;
  } finally {
    await server.close();
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

// Warm-up: the first run opens the index and loads the parsers.
await timed("plan");
const walls = { interleaved: [] as number[], parallel: [] as number[], plan: [] as number[] };
for (let round = 0; round < rounds; round++) {
  walls.interleaved.push(await timed("interleaved"));
  walls.parallel.push(await timed("interleaved", true));
  walls.plan.push(await timed("plan"));
}
const interleavedMs = median(walls.interleaved);
const parallelMs = median(walls.parallel);
const planMs = median(walls.plan);
console.log(`two-branch task, model latency ${latencyMs} ms, median of ${rounds}:`);
console.log(`  interleaved (one call per turn, 5 turns)        ${interleavedMs.toFixed(0).padStart(6)} ms`);
console.log(`  interleaved (parallel tool calls, 3 turns)      ${parallelMs.toFixed(0).padStart(6)} ms`);
console.log(`  plan-execute (planner + answer, 2 turns)        ${planMs.toFixed(0).padStart(6)} ms`);
console.log(`  plan speed-up vs interleaved: ${(interleavedMs / planMs).toFixed(2)}x (target >= 1.8x)`);
console.log(`  plan speed-up vs parallel-call interleaved: ${(parallelMs / planMs).toFixed(2)}x`);

// 2. Research: citations that resolve to supporting evidence.
const subQuestions = ["When did the Alpha bridge open?", "When was the Beta tower finished?"];
const planted = "The Alpha bridge was painted blue in 1975";
function researchModel(request: RecordedRequest): ScriptedReply {
  const messages = messagesOf(request);
  const system = textOf(messages[0] ?? {});
  const user = messages
    .filter((message) => message.role === "user")
    .map(textOf)
    .join("\n");
  const turns = messages.filter((message) => message.role === "assistant").length;
  if (system.startsWith("You split a research question")) return { content: JSON.stringify(subQuestions) };
  if (system.startsWith("You judge whether")) return { content: '{"answered": true}' };
  if (system.startsWith("You write a research report")) {
    // An extractive writer: each page's sentence, quoted, with the number the listing gave it.
    const lines = user.split("\n").filter((line) => /^\[\d+\] \(page;/.test(line));
    const sentences = lines.map((line) => {
      const number = /^\[(\d+)\]/.exec(line)?.[1];
      const sentence = /(The [^.]+\.)/.exec(line)?.[1] ?? "";
      return `${sentence.replace(/\.$/, "")} [${number}].`;
    });
    const first = /^\[(\d+)\]/.exec(lines[0] ?? "")?.[1];
    return {
      content: `# Findings\n\n${sentences.join(" ")} ${planted} [${first}].\n\nShort answer: the Beta tower.`,
    };
  }
  const [query, url] = user.includes(subQuestions[0] as string)
    ? ["Alpha bridge opened", alphaUrl]
    : ["Beta tower finished", betaUrl];
  if (turns === 0) return { toolCalls: [call("s", "text_search", { queries: [query] })] };
  if (turns === 1) return { toolCalls: [call("v", "web_visit", { urls: [url] })] };
  return { content: "Found it." };
}
const server = await startModelServer(researchModel);
try {
  const result = await ask({
    ...common,
    mode: "research",
    model: { baseUrl: server.baseUrl, name: "bench-model", maxRetries: 0 },
  });
  const research = result.trajectory.research;
  if (!research) throw new Error("research: no record");
  const stored = new Set(research.evidence.map((item) => item.id));
  const genuine = research.citations.filter((check) => !check.sentence.startsWith(planted));
  const citations = genuine.flatMap((check) => check.cited.map((id) => ({ id, supported: check.supported })));
  const resolving = citations.filter((entry) => stored.has(entry.id) && entry.supported).length;
  const flagged = research.unsupported.some((sentence) => sentence.startsWith(planted));
  console.log("research task (2 sub-agents, local index):");
  console.log(
    `  evidence stored: ${research.evidence.length}; report sentences checked: ${research.citations.length}`,
  );
  console.log(
    `  citations resolving to supporting evidence: ${resolving}/${citations.length} = ${((100 * resolving) / Math.max(1, citations.length)).toFixed(0)}% (target 100%)`,
  );
  console.log(`  planted unsupported sentence flagged: ${flagged ? "yes" : "NO"}`);
} finally {
  await server.close();
  rmSync(folder, { recursive: true, force: true });
}
