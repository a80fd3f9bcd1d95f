/**
 * Runtime overhead per step, excluding model and tool time: a 20-step run with 10 images in
 * context against an instant local model server, Loupe's loop next to the `ai` package's tool
 * loop (generateText + stopWhen) driving the same server with the same crop tool.
 *
 *   node --import tsx bench/agent-overhead.ts [--rounds 5]
 *
 * overhead/step = (wall time − server time − tool time) / steps, median over rounds.
 * Both loops send every crop back to the model: Loupe as an image in a user turn, the AI SDK
 * (which has no other way over an OpenAI-compatible provider) as JSON content in the tool message.
 */
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import { generateText, stepCountIs, tool } from "ai";
import sharp from "sharp";
import { runAgent } from "../src/agent/run-agent.js";
import { loupeConfigSchema } from "../src/core/config.js";
import { ImageSet } from "../src/core/image-set.js";
import { createToolContext } from "../src/core/tool-context.js";
import { getDialect } from "../src/dialects/registry.js";
import { ChatClient } from "../src/models/chat-client.js";
import { cropArguments, cropTool } from "../src/tools/image/crop.js";
import { startInstantModelServer } from "./support/instant-model-server.js";

const STEPS = 20;
const IMAGES = 10;
const rounds = Number(process.argv[process.argv.indexOf("--rounds") + 1]) || 5;
/** `--only loupe` or `--only aiSdk` runs one side, for profiling with --cpu-prof. */
const only = process.argv.includes("--only") ? process.argv[process.argv.indexOf("--only") + 1] : undefined;

async function makeImages(): Promise<Uint8Array[]> {
  const images: Uint8Array[] = [];
  for (let index = 0; index < IMAGES; index++) {
    const noise = Buffer.alloc(640 * 480 * 3);
    for (let offset = 0; offset < noise.length; offset++)
      noise[offset] = (offset * (index + 7) + (offset >> 9)) & 255;
    images.push(
      new Uint8Array(
        await sharp(noise, { raw: { width: 640, height: 480, channels: 3 } })
          .jpeg()
          .toBuffer(),
      ),
    );
  }
  return images;
}

/** Step i crops a different region of a different image; the last step answers. */
const script = (index: number) =>
  index < STEPS - 1
    ? {
        toolCall: {
          name: "crop",
          arguments: {
            image: `image_${(index % IMAGES) + 1}`,
            box: [index * 10, index * 5, index * 10 + 200, index * 5 + 150],
          },
        },
      }
    : { content: "done" };

const config = loupeConfigSchema.parse({
  model: { baseUrl: "http://127.0.0.1:1/v1", name: "instant", stream: false, maxRetries: 0 },
  budgets: { maxSteps: STEPS + 5, maxToolCalls: STEPS + 5, maxRepeats: STEPS },
});

async function loupeRound(
  baseUrl: string,
  images: Uint8Array[],
): Promise<{ wallMs: number; toolMs: number; steps: number }> {
  const runConfig = { ...config, model: { ...config.model, baseUrl } };
  let toolMs = 0;
  const startedAt = performance.now();
  const { trajectory } = await runAgent({
    question: "Inspect the images.",
    images: images.map((bytes, index) => ({
      bytes,
      facts: { mime: "image/jpeg", width: 640, height: 480 },
      source: `bench-${index}`,
    })),
    config: runConfig,
    model: new ChatClient(runConfig.model),
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

async function aiSdkRound(
  baseUrl: string,
  images: Uint8Array[],
): Promise<{ wallMs: number; toolMs: number; steps: number }> {
  const provider = createOpenAICompatible({ name: "instant", baseURL: baseUrl });
  const imageSet = new ImageSet();
  for (const bytes of images)
    imageSet.add(bytes, { mime: "image/jpeg", width: 640, height: 480 }, { kind: "input", source: "bench" });
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
    stopWhen: stepCountIs(STEPS + 5),
  });
  return { wallMs: performance.now() - startedAt, toolMs, steps: result.steps.length };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

const images = await makeImages();
const server = await startInstantModelServer(script);
const perStep = { loupe: [] as number[], aiSdk: [] as number[] };
try {
  for (let round = 0; round <= rounds; round++) {
    for (const [name, run] of [
      ["loupe", loupeRound],
      ["aiSdk", aiSdkRound],
    ] as const) {
      if (only && only !== name) continue;
      server.takeServerMs();
      const result = await run(server.baseUrl, images);
      const serverMs = server.takeServerMs();
      if (result.steps !== STEPS) throw new Error(`${name} ran ${result.steps} steps, expected ${STEPS}`);
      // Round 0 warms up both (JIT, sockets, sharp) and is not counted.
      if (round > 0) perStep[name].push((result.wallMs - serverMs - result.toolMs) / STEPS);
    }
  }
} finally {
  await server.close();
}

const loupe = median(perStep.loupe);
const aiSdk = median(perStep.aiSdk);
console.log(
  `agent overhead per step (${STEPS} steps, ${IMAGES} images in context, median of ${rounds} rounds)`,
);
console.log(`  Loupe     ${loupe.toFixed(2)} ms/step`);
console.log(`  AI SDK    ${aiSdk.toFixed(2)} ms/step`);
console.log(`  Loupe / AI SDK = ${(loupe / aiSdk).toFixed(2)}   (target <= 1)`);
