/**
 * Runtime overhead per step, excluding model and tool time: Loupe's loop next to the `ai`
 * package's tool loop (generateText + stopWhen) driving the same instant local model server with
 * the same crop tool, at 10 images x 20 steps, 100 images x 20 steps and 10 images x 60 steps;
 * then each loop's peak memory on a 100-image, 60-step question, each in a child process of its
 * own (a clean peak RSS); then how long the model views of 100 inputs take to encode, cold.
 *
 *   node --import tsx bench/agent-overhead.ts [--rounds 3] [--skip-memory] [--case 100x20]
 *
 * overhead/step = (wall time − server time − tool time) / steps, median over rounds.
 * Both loops send every crop back to the model: Loupe as an image in a user turn, the AI SDK
 * (which has no other way over an OpenAI-compatible provider) as JSON content in the tool message.
 * The inputs are 644x476 JPEGs, a size on Loupe's default view grid, so both loops send the
 * same input bytes (Loupe sends a plain input already at its view size unchanged); the last
 * figure is the encode Loupe does for inputs that are not.
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import { generateText, stepCountIs, tool } from "ai";
import sharp from "sharp";
import { runAgent } from "../src/agent/run-agent.js";
import { loupeConfigSchema } from "../src/core/config.js";
import { ImageSet } from "../src/core/image-set.js";
import { sha256Hex } from "../src/core/images.js";
import { createToolContext } from "../src/core/tool-context.js";
import { getDialect } from "../src/dialects/registry.js";
import { bytesSentToModel } from "../src/images/model-view.js";
import { ViewCache } from "../src/images/view-cache.js";
import { ChatClient } from "../src/models/chat-client.js";
import { cropArguments, cropTool } from "../src/tools/image/crop.js";
import { startInstantModelServer } from "./support/instant-model-server.js";

/** On the default view's 28-pixel grid, within its pixel budget: no resize either side. */
const WIDTH = 644;
const HEIGHT = 476;

const argument = (name: string) =>
  process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : undefined;
const rounds = Number(argument("--rounds")) || 3;
/** `--only loupe` or `--only aiSdk` runs one side, `--case 10x20` one case, for --cpu-prof. */
const only = argument("--only");
const onlyCase = argument("--case");

interface Case {
  images: number;
  steps: number;
}

async function makeImages(count: number, width = WIDTH, height = HEIGHT): Promise<Uint8Array[]> {
  const images: Uint8Array[] = [];
  for (let index = 0; index < count; index++) {
    const noise = Buffer.alloc(width * height * 3);
    for (let offset = 0; offset < noise.length; offset++)
      noise[offset] = (offset * (index + 7) + (offset >> 9)) & 255;
    images.push(
      new Uint8Array(
        await sharp(noise, { raw: { width, height, channels: 3 } })
          .jpeg()
          .toBuffer(),
      ),
    );
  }
  return images;
}

/** Step i crops a different region of a different image; the last step answers. */
const scriptFor =
  ({ images, steps }: Case) =>
  (index: number) =>
    index < steps - 1
      ? {
          toolCall: {
            name: "crop",
            arguments: {
              image: `image_${(index % images) + 1}`,
              box: [
                (index * 7) % 400,
                (index * 3) % 300,
                ((index * 7) % 400) + 200,
                ((index * 3) % 300) + 150,
              ],
            },
          },
        }
      : { content: "done" };

const configFor = (benchCase: Case, baseUrl: string) =>
  loupeConfigSchema.parse({
    model: { baseUrl, name: "instant", stream: false, maxRetries: 0 },
    budgets: {
      maxSteps: benchCase.steps + 5,
      maxToolCalls: benchCase.steps + 5,
      maxRepeats: benchCase.steps,
    },
  });

interface RoundResult {
  wallMs: number;
  toolMs: number;
  steps: number;
}

async function loupeRound(baseUrl: string, images: Uint8Array[], benchCase: Case): Promise<RoundResult> {
  const config = configFor(benchCase, baseUrl);
  let toolMs = 0;
  const startedAt = performance.now();
  const { trajectory } = await runAgent({
    question: "Inspect the images.",
    images: images.map((bytes, index) => ({
      bytes,
      facts: { mime: "image/jpeg", width: WIDTH, height: HEIGHT },
      source: `bench-${index}`,
    })),
    config,
    model: new ChatClient(config.model),
    dialect: getDialect("native"),
    tools: [cropTool(config.images)],
    onEvent: (event) => {
      if (event.type === "tool-call-end") toolMs += event.durationMs;
    },
  });
  if (trajectory.stopReason !== "answer")
    throw new Error(`Loupe run ended with ${trajectory.stopReason}: ${trajectory.error?.message}`);
  return { wallMs: performance.now() - startedAt, toolMs, steps: trajectory.steps.length };
}

async function aiSdkRound(baseUrl: string, images: Uint8Array[], benchCase: Case): Promise<RoundResult> {
  const config = configFor(benchCase, baseUrl);
  const provider = createOpenAICompatible({ name: "instant", baseURL: baseUrl });
  const imageSet = new ImageSet();
  for (const bytes of images)
    imageSet.add(
      bytes,
      { mime: "image/jpeg", width: WIDTH, height: HEIGHT },
      { kind: "input", source: "bench" },
    );
  const crop = cropTool(config.images);
  const state = new Map<string, unknown>();
  let toolMs = 0;
  const startedAt = performance.now();
  const result = await generateText({
    model: provider.chatModel("instant"),
    messages: [
      {
        role: "user",
        content: [
          ...images.map((image) => ({ type: "image" as const, image, mediaType: "image/jpeg" })),
          { type: "text" as const, text: "Inspect the images." },
        ],
      },
    ],
    tools: {
      crop: tool({
        description: crop.description,
        inputSchema: cropArguments,
        execute: async (args, { toolCallId }) => {
          const toolStartedAt = performance.now();
          const context = createToolContext({
            tool: "crop",
            callId: toolCallId,
            step: 0,
            images: imageSet,
            state,
          });
          const output = await crop.execute(cropArguments.parse(args), context);
          toolMs += performance.now() - toolStartedAt;
          const image = output.images[0]!;
          return {
            text: output.text,
            mime: image.mime,
            base64: Buffer.from(imageSet.bytes(image.id)).toString("base64"),
          };
        },
        // The same observation Loupe gives: the crop's text and the crop itself. (The
        // OpenAI-compatible provider serialises image content into the tool message as JSON.)
        toModelOutput: ({ output }) => ({
          type: "content",
          value: [
            { type: "text", text: output.text },
            { type: "image-data", data: output.base64, mediaType: output.mime },
          ],
        }),
      }),
    },
    stopWhen: stepCountIs(benchCase.steps + 5),
  });
  return { wallMs: performance.now() - startedAt, toolMs, steps: result.steps.length };
}

const loops = { loupe: loupeRound, aiSdk: aiSdkRound } as const;
type LoopName = keyof typeof loops;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

/** Median overhead per step of each loop on one case; round 0 warms up (JIT, sockets, sharp). */
async function overheadPerStep(benchCase: Case): Promise<Record<LoopName, number>> {
  const images = await makeImages(benchCase.images);
  const server = await startInstantModelServer(scriptFor(benchCase));
  const perStep: Record<LoopName, number[]> = { loupe: [], aiSdk: [] };
  try {
    for (let round = 0; round <= rounds; round++) {
      for (const name of Object.keys(loops) as LoopName[]) {
        if (only && only !== name) continue;
        server.takeServerMs();
        const result = await loops[name](server.baseUrl, images, benchCase);
        const serverMs = server.takeServerMs();
        if (result.steps !== benchCase.steps)
          throw new Error(`${name} ran ${result.steps} steps, expected ${benchCase.steps}`);
        if (round > 0) perStep[name].push((result.wallMs - serverMs - result.toolMs) / benchCase.steps);
      }
    }
  } finally {
    await server.close();
  }
  return { loupe: median(perStep.loupe), aiSdk: median(perStep.aiSdk) };
}

/** Child mode: one round of one loop, then its peak RSS as JSON on stdout. */
async function memoryChild(name: LoopName, benchCase: Case): Promise<void> {
  const images = await makeImages(benchCase.images);
  const server = await startInstantModelServer(scriptFor(benchCase));
  try {
    const result = await loops[name](server.baseUrl, images, benchCase);
    if (result.steps !== benchCase.steps) throw new Error(`${name} ran ${result.steps} steps`);
  } finally {
    await server.close();
  }
  console.log(JSON.stringify({ maxRssBytes: process.resourceUsage().maxRSS * 1024 }));
}

function peakMemory(name: LoopName, benchCase: Case): number {
  const child = spawnSync(
    process.execPath,
    [
      "--import",
      "tsx",
      fileURLToPath(import.meta.url),
      "--memory-child",
      name,
      "--images",
      String(benchCase.images),
      "--steps",
      String(benchCase.steps),
    ],
    { encoding: "utf8", maxBuffer: 1024 * 1024 },
  );
  if (child.status !== 0) throw new Error(`${name} memory run failed: ${child.stderr}`);
  const last = child.stdout.trim().split("\n").at(-1) ?? "{}";
  return (JSON.parse(last) as { maxRssBytes: number }).maxRssBytes;
}

/** Model views of `count` inputs off the view's grid, cold cache: sequential vs all at once. */
async function inputEncodeMs(count: number): Promise<{ sequential: number; parallel: number }> {
  const images = await makeImages(count, 640, 480);
  const view = loupeConfigSchema.parse({ model: { baseUrl: "http://127.0.0.1:1/v1", name: "m" } }).images
    .modelView;
  const refs = images.map((bytes) => ({
    id: sha256Hex(bytes),
    width: 640,
    height: 480,
    mime: "image/jpeg",
    provenance: { kind: "input" as const, source: "bench" },
  }));
  let startedAt = performance.now();
  const sequentialCache = new ViewCache(Number.MAX_SAFE_INTEGER, 1);
  for (const [index, ref] of refs.entries())
    await bytesSentToModel(ref, images[index]!, view, sequentialCache);
  const sequential = performance.now() - startedAt;
  startedAt = performance.now();
  const parallelCache = new ViewCache();
  await Promise.all(refs.map((ref, index) => bytesSentToModel(ref, images[index]!, view, parallelCache)));
  return { sequential, parallel: performance.now() - startedAt };
}

const mib = (bytes: number) => `${(bytes / 1024 ** 2).toFixed(0)} MiB`;

async function main(): Promise<void> {
  const child = argument("--memory-child") as LoopName | undefined;
  if (child) {
    await memoryChild(child, { images: Number(argument("--images")), steps: Number(argument("--steps")) });
    return;
  }
  const cases = [
    { images: 10, steps: 20, target: 0.5 },
    { images: 100, steps: 20, target: 0.5 },
    { images: 10, steps: 60, target: 0.4 },
  ];
  console.log(`agent overhead per step (median of ${rounds} rounds after a warm-up round)`);
  for (const benchCase of cases) {
    if (onlyCase && onlyCase !== `${benchCase.images}x${benchCase.steps}`) continue;
    const { loupe, aiSdk } = await overheadPerStep(benchCase);
    console.log(
      `  ${String(benchCase.images).padStart(3)} images x ${benchCase.steps} steps: ` +
        `Loupe ${loupe.toFixed(2)} ms/step, AI SDK ${aiSdk.toFixed(2)} ms/step, ` +
        `Loupe / AI SDK = ${(loupe / aiSdk).toFixed(2)}   (target <= ${benchCase.target})`,
    );
  }
  if (!process.argv.includes("--skip-memory")) {
    const memoryCase = { images: 100, steps: 60 };
    const loupe = peakMemory("loupe", memoryCase);
    const aiSdk = peakMemory("aiSdk", memoryCase);
    console.log(
      `peak RSS, 100 images x 60 steps (own process each): Loupe ${mib(loupe)}, AI SDK ${mib(aiSdk)}, ` +
        `Loupe / AI SDK = ${(loupe / aiSdk).toFixed(2)}`,
    );
  }
  const encode = await inputEncodeMs(100);
  console.log(
    `model views of 100 640x480 inputs, cold: ${encode.sequential.toFixed(0)} ms one at a time, ` +
      `${encode.parallel.toFixed(0)} ms in parallel (${(encode.parallel / encode.sequential).toFixed(2)})`,
  );
}

await main();
