/**
 * The evaluation runner's figures (issue 11): throughput against a local model server with a
 * fixed 200 ms latency at concurrency 1, 8, 32 and 128, as a fraction of the ideal (concurrency /
 * latency; targets >= 0.95 at 32 and >= 0.9 at 128), and peak memory over a 10,000-item run
 * against that of a 1,000-item run (target: within 1.2x), each run in a child process of its own
 * so its peak RSS is its own. Every item goes the whole way: loaded by the generic loader, run
 * through the agent, scored, its run and result committed to a SQLite store.
 *
 *   node --import tsx bench/eval-throughput.ts [--rounds 6] [--skip-memory]
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { resolveConfig } from "../src/api/resolve-config.js";
import { createRunParts } from "../src/api/run-parts.js";
import { loadBenchmark } from "../src/eval/benchmarks.js";
import type { EvalItem } from "../src/eval/eval-item.js";
import { runEvaluation } from "../src/eval/runner/eval-runner.js";
import { scoringFor } from "../src/eval/scorer-registry.js";
import { openEvalStores } from "../src/store/open-eval-store.js";

/** The model server in a child process (a real server is not in the runner's process either). */
async function startModelServer(latencyMs: number): Promise<{ baseUrl: string; close(): Promise<void> }> {
  const serverFile = fileURLToPath(new URL("./support/latency-model-server-child.ts", import.meta.url));
  const child = spawn(process.execPath, ["--import", "tsx", serverFile, "--latency-ms", String(latencyMs)], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const baseUrl = await new Promise<string>((resolve, reject) => {
    child.stdout.once("data", (chunk: Buffer) => resolve(chunk.toString().trim()));
    child.once("exit", (code) => reject(new Error(`the model server exited (${code})`)));
  });
  return {
    baseUrl,
    close: () =>
      new Promise<void>((resolve) => {
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

const argument = (name: string) =>
  process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : undefined;
const LATENCY_MS = 200;

/** A generic JSONL set of `count` text-only questions whose answer is "yes". */
function writeItems(count: number): string {
  const dir = mkdtempSync(join(tmpdir(), "loupe-bench-eval-"));
  const file = join(dir, "data.jsonl");
  const lines: string[] = [];
  for (let index = 0; index < count; index++)
    lines.push(
      JSON.stringify({
        id: `q${index}`,
        question: `Is item ${index} here?`,
        answer: "yes",
        category: `c${index % 7}`,
      }),
    );
  writeFileSync(file, `${lines.join("\n")}\n`);
  return file;
}

/** Runs `count` items at `concurrency` against a model answering after `latencyMs`; items/s. */
async function runOnce(
  count: number,
  concurrency: number,
  latencyMs: number,
  shared?: { baseUrl: string },
): Promise<{ seconds: number; itemsPerSecond: number }> {
  const own = shared ? undefined : await startModelServer(latencyMs);
  const server = shared ?? own!;
  const dir = mkdtempSync(join(tmpdir(), "loupe-bench-store-"));
  const stores = await openEvalStores(join(dir, "loupe.db"));
  const config = await resolveConfig({
    model: { baseUrl: server.baseUrl, name: "instant", stream: false },
    tools: [],
  } as never);
  const parts = await createRunParts(config);
  try {
    const items = new Map<string, EvalItem>();
    for await (const item of loadBenchmark("generic", writeItems(count))) items.set(item.id, item);
    const scoring = scoringFor("generic");
    const started = performance.now();
    const outcome = await runEvaluation({
      evaluation: {
        id: `bench-${count}-${concurrency}`,
        benchmark: "generic",
        createdAt: new Date().toISOString(),
        settings: { variants: ["default"] },
        items: [...items.keys()],
      },
      resume: false,
      items,
      variants: [{ name: "default", config, parts }],
      evals: stores.evals,
      runs: stores.runs,
      concurrency,
      retries: 0,
      scorer: scoring.scorer,
      scoreContext: { strict: false },
      prices: {},
      signal: new AbortController().signal,
    });
    const seconds = (performance.now() - started) / 1000;
    if (outcome.progress.done !== count || outcome.progress.accuracy !== 1)
      throw new Error(`expected ${count} correct items, got ${JSON.stringify(outcome.progress)}`);
    return { seconds, itemsPerSecond: count / seconds };
  } finally {
    await parts.close();
    await stores.close();
    await own?.close();
  }
}

async function throughput(rounds: number): Promise<void> {
  console.log(`throughput, model latency ${LATENCY_MS} ms, ${rounds} rounds of items per concurrency:`);
  // One model server for every concurrency, and one untimed evaluation first: the figure is the
  // runner's steady state, not its first-use costs (modules imported on first use, the JIT, the
  // server's own warm-up), which a real evaluation of thousands of items pays once.
  const server = await startModelServer(LATENCY_MS);
  try {
    await runOnce(256, 128, LATENCY_MS, server);
    await measure(rounds, server);
    await plainRequests(rounds, server);
  } finally {
    await server.close();
  }
}

/**
 * The baseline: plain fetch calls at the same concurrency against the same server, no runner.
 * What the machine (two cores shared by this process and the server's) allows at all.
 */
async function plainRequests(rounds: number, server: { baseUrl: string }): Promise<void> {
  const body = JSON.stringify({ model: "instant", messages: [{ role: "user", content: "Is item 1 here?" }] });
  for (const concurrency of [32, 128]) {
    const started = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        for (let round = 0; round < rounds; round++) {
          const response = await fetch(`${server.baseUrl}/chat/completions`, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body,
          });
          await response.json();
        }
      }),
    );
    const perSecond = (concurrency * rounds) / ((performance.now() - started) / 1000);
    const ideal = concurrency / (LATENCY_MS / 1000);
    console.log(
      `  baseline, plain fetch at ${String(concurrency).padStart(3)}: ratio ${(perSecond / ideal).toFixed(3)} (no runner: what the machine allows)`,
    );
  }
}

async function measure(rounds: number, server: { baseUrl: string }): Promise<void> {
  for (const concurrency of [1, 8, 32, 128]) {
    const count = concurrency * rounds;
    const { seconds, itemsPerSecond } = await runOnce(count, concurrency, LATENCY_MS, server);
    const ideal = concurrency / (LATENCY_MS / 1000);
    const target = concurrency === 32 ? " (target >= 0.95)" : concurrency === 128 ? " (target >= 0.90)" : "";
    console.log(
      `  concurrency ${String(concurrency).padStart(3)}: ${count} items in ${seconds.toFixed(2)} s = ${itemsPerSecond.toFixed(1)} items/s, ideal ${ideal.toFixed(0)}: ratio ${(itemsPerSecond / ideal).toFixed(3)}${target}`,
    );
  }
}

function peakRssOf(count: number): number {
  const result = spawnSync(
    process.execPath,
    ["--import", "tsx", fileURLToPath(import.meta.url), "--memory-child", String(count)],
    {
      encoding: "utf8",
    },
  );
  if (result.status !== 0) throw new Error(`memory child failed: ${result.stderr}`);
  return Number(/peak-rss (\d+)/.exec(result.stdout)?.[1]);
}

const child = argument("--memory-child");
if (child) {
  await runOnce(Number(child), 32, 0);
  console.log(`peak-rss ${process.resourceUsage().maxRSS * 1024}`);
} else {
  await throughput(Number(argument("--rounds")) || 6);
  if (!process.argv.includes("--skip-memory")) {
    const small = peakRssOf(1_000);
    const large = peakRssOf(10_000);
    console.log(
      `memory (instant model, concurrency 32): peak RSS ${(small / 2 ** 20).toFixed(0)} MiB at 1,000 items, ${(large / 2 ** 20).toFixed(0)} MiB at 10,000: ratio ${(large / small).toFixed(3)} (target <= 1.2)`,
    );
  }
}
