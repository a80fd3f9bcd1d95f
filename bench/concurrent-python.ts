/**
 * Python under concurrent runs: 8 questions at once in one process (as a server runs them: one
 * toolbox, one sandbox pool), each making one `python` call, next to one question alone measured
 * in the same run. The figure is each question's wait for its first Python result, from the start
 * of the run to the end of that call (the model answers instantly): with enough sessions for all
 * eight and a session prewarmed at run start, the slowest of the eight should be within 3x of the
 * lone question's (target; on 2 cores, eight sandboxes importing numpy at once share them).
 *
 *   node --import tsx bench/concurrent-python.ts [--questions 8] [--rounds 3] [--model-ms 0]
 *
 * With --model-ms N the model takes N ms to write its python call, as a real one does: the
 * sessions prewarmed at run start (one per core) then have that long to get ready.
 */
import { runAgent } from "../src/agent/run-agent.js";
import { loupeConfigSchema } from "../src/core/config.js";
import { getDialect } from "../src/dialects/registry.js";
import { ChatClient } from "../src/models/chat-client.js";
import { sandboxMissingReason } from "../src/sandbox/sandbox-availability.js";
import { createToolbox, selectTools, type Toolbox } from "../src/tools/registry.js";
import { startInstantModelServer } from "./support/instant-model-server.js";

const argument = (name: string) =>
  process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : undefined;
const questions = Number(argument("--questions")) || 8;
const rounds = Number(argument("--rounds")) || 3;
/** How long the model takes to write its first turn (the python call); 0: instantly. */
const modelMs = Number(argument("--model-ms")) || 0;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

/** One question through `toolbox`: ms from run start to the end of its python call. */
async function firstPythonCallMs(toolbox: Toolbox, baseUrl: string): Promise<number> {
  const config = loupeConfigSchema.parse({
    model: { baseUrl, name: "instant", stream: false, maxRetries: 0 },
  });
  const dialect = getDialect("native");
  const startedAt = performance.now();
  // As `loupe ask` does: selecting the tools prewarms a Python session in the background.
  const tools = selectTools(toolbox, ["python"], dialect);
  let callEndedAt: number | undefined;
  const { trajectory } = await runAgent({
    question: "Compute.",
    images: [],
    config,
    model: new ChatClient(config.model),
    dialect,
    tools,
    onEvent: (event) => {
      if (event.type === "tool-call-end" && callEndedAt === undefined) callEndedAt = performance.now();
    },
  });
  if (trajectory.stopReason !== "answer" || callEndedAt === undefined)
    throw new Error(`run ended with ${trajectory.stopReason}: ${trajectory.error?.message}`);
  const observation = trajectory.steps[0]?.observations[0];
  if (observation?.isError) throw new Error(`python call failed: ${JSON.stringify(observation)}`);
  return callEndedAt - startedAt;
}

/** A model server whose every conversation calls python once, then answers. */
async function pythonModel() {
  // The instant server numbers requests across conversations; a conversation's turn is read from
  // its request instead: no tool message yet means the first turn.
  return startInstantModelServer((_index, body) =>
    (body as { messages: { role: string }[] }).messages.some((message) => message.role === "tool")
      ? { content: "2" }
      : { toolCall: { name: "python", arguments: { code: "print(1 + 1)" } }, delayMs: modelMs },
  );
}

async function main(): Promise<void> {
  const missing = sandboxMissingReason({ pythonPath: "/usr/bin/python3", bwrapPath: "/usr/bin/bwrap" });
  if (missing) throw new Error(missing);
  const model = await pythonModel();
  const config = loupeConfigSchema.parse({ model: { baseUrl: model.baseUrl, name: "instant" } });
  const alone: number[] = [];
  const slowest: number[] = [];
  try {
    for (let round = 0; round < rounds; round++) {
      const single = createToolbox(config);
      try {
        alone.push(await firstPythonCallMs(single, model.baseUrl));
      } finally {
        await single.close();
      }
      const shared = createToolbox(config);
      try {
        const times = await Promise.all(
          Array.from({ length: questions }, () => firstPythonCallMs(shared, model.baseUrl)),
        );
        slowest.push(Math.max(...times));
      } finally {
        await shared.close();
      }
    }
  } finally {
    await model.close();
  }
  const one = median(alone);
  const many = median(slowest);
  console.log(`first Python call, from run start (model turn ${modelMs} ms, median of ${rounds} rounds)`);
  console.log(
    `  1 question alone            ${one.toFixed(0)} ms   (rounds: ${alone.map((ms) => ms.toFixed(0)).join(", ")})`,
  );
  console.log(
    `  slowest of ${questions} at once         ${many.toFixed(0)} ms   (rounds: ${slowest.map((ms) => ms.toFixed(0)).join(", ")})`,
  );
  console.log(`  slowest / alone = ${(many / one).toFixed(2)}   (target <= 3)`);
}

await main();
