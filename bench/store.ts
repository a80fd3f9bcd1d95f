/**
 * Run store figures (issue 10), in one table from one run: writing and reading a 50-step
 * trajectory with 30 images in the SQLite store and in PostgreSQL (a private cluster, as the tests
 * start it; skipped with a note when PostgreSQL is not installed), each as a ratio to writing and
 * reading the trajectory folder in the same run; and the cost of a checkpoint after every step
 * (the run saved whole 50 times as it grows), which `loupe ask` pays for each store it records in.
 *   node --import tsx bench/store.ts [--rounds 15]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import sharp from "sharp";
import { ImageSet } from "../src/core/image-set.js";
import type { RunCheckpoint } from "../src/core/run-checkpoint.js";
import type { RunStore } from "../src/core/run-store.js";
import { TRAJECTORY_VERSION, type Trajectory } from "../src/core/trajectory.js";
import { openRunStore } from "../src/store/open-run-store.js";
import { readTrajectory, TrajectoryFolder } from "../src/store/trajectory-folder.js";
import { postgresBinaries, startPostgres } from "../test/support/postgres.js";

const roundsAt = process.argv.indexOf("--rounds");
const rounds = roundsAt >= 0 ? Number(process.argv[roundsAt + 1]) : 15;
const STEPS = 50;
const IMAGES = 30;

/** 30 distinct 640x480 JPEGs (the input and 29 crops), each a few tens of KB as real crops are. */
async function makeImages(): Promise<Uint8Array[]> {
  const images: Uint8Array[] = [];
  for (let index = 0; index < IMAGES; index++) {
    const noise = Buffer.alloc(160 * 120 * 3);
    for (let byte = 0; byte < noise.length; byte++)
      noise[byte] = (byte * 31 + index * 97 + (byte >> 7)) & 0xff;
    const bytes = await sharp(noise, { raw: { width: 160, height: 120, channels: 3 } })
      .resize(640, 480)
      .jpeg({ quality: 85 })
      .toBuffer();
    images.push(new Uint8Array(bytes));
  }
  return images;
}

/** The run after `steps` steps: a crop per step, a new image every few steps, an answer at the end. */
function runAfter(steps: number, allImages: Uint8Array[]): RunCheckpoint {
  const images = new ImageSet();
  const input = images.add(
    allImages[0]!,
    { mime: "image/jpeg", width: 640, height: 480 },
    { kind: "input", source: "input.jpg" },
  );
  const trajectory: Trajectory = {
    version: TRAJECTORY_VERSION,
    id: "bench-run",
    createdAt: new Date(0).toISOString(),
    question: "What is written on the small sign in the lower left?",
    inputs: { images: [input.id] },
    config: {
      model: "bench-model",
      baseUrl: "http://127.0.0.1:1/v1",
      dialect: "native",
      tools: ["crop"],
      sampling: {},
      budgets: {},
    },
    images: [],
    messages: [
      { role: "system", content: "You are a careful visual reasoner. ".repeat(20) },
      {
        role: "user",
        content: [
          { type: "image", imageId: input.id },
          { type: "text", text: "What is written on the sign?" },
        ],
      },
    ],
    steps: [],
    stopReason: steps === STEPS ? "answer" : "cancelled",
    budgetsUsed: {
      steps,
      toolCalls: steps,
      usage: { promptTokens: 900 * steps, completionTokens: 120 * steps },
      wallMs: 800 * steps,
    },
  };
  for (let index = 1; index <= steps; index++) {
    const callId = `call_${index}`;
    const box = [index, index * 2, 320 + index, 240 + index];
    const producing = Math.floor((index * (IMAGES - 1)) / STEPS);
    const produced =
      producing > images.size - 1
        ? images.add(
            allImages[producing]!,
            { mime: "image/jpeg", width: 640, height: 480 },
            {
              kind: "tool",
              tool: "crop",
              operation: "crop",
              parameters: { box },
              parent: input.id,
              callId,
              step: index,
            },
          )
        : undefined;
    const thought =
      `Step ${index}: the sign is still small; I will crop the region ${box.join(", ")} to read it. `.repeat(
        4,
      );
    const text = `Cropped ${box.join(",")}${produced ? ` → ${produced.label}` : " (same as before)"}. ${"Pixel statistics and a caption of the region. ".repeat(6)}`;
    trajectory.steps.push({
      index,
      startedAt: new Date(index * 1000).toISOString(),
      durationMs: 800,
      modelDurationMs: 700,
      output: {
        content: thought,
        toolCalls: [{ id: callId, name: "crop", arguments: JSON.stringify({ box }) }],
        finishReason: "tool_calls",
      },
      actions: [{ id: callId, tool: "crop", arguments: { box }, raw: JSON.stringify({ box }) }],
      actionErrors: [],
      observations: [
        { callId, tool: "crop", text, images: produced ? [produced.id] : [], isError: false, durationMs: 15 },
      ],
      usage: { promptTokens: 900, completionTokens: 120 },
    });
    trajectory.messages.push(
      {
        role: "assistant",
        content: thought,
        toolCalls: [{ id: callId, name: "crop", arguments: JSON.stringify({ box }) }],
      },
      { role: "tool", toolCallId: callId, content: text },
    );
    if (produced)
      trajectory.messages.push({ role: "user", content: [{ type: "image", imageId: produced.id }] });
  }
  if (steps === STEPS) trajectory.answer = "OPEN 24 HOURS";
  trajectory.images = images.list().map((ref) => ({ ...ref }));
  return { trajectory, images };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await work();
  return performance.now() - start;
}

interface Target {
  name: string;
  /** A fresh, empty place to write the run. */
  fresh(): Promise<{
    save(run: RunCheckpoint): Promise<unknown>;
    read(): Promise<unknown>;
    close(): Promise<void>;
  }>;
}

async function measure(target: Target, whole: RunCheckpoint, growing: RunCheckpoint[]) {
  const writes: number[] = [];
  const reads: number[] = [];
  const checkpoints: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const place = await target.fresh();
    writes.push(await timed(() => place.save(whole)));
    reads.push(await timed(() => place.read()));
    await place.close();
  }
  // The checkpoint pattern: the run saved after each of its 50 steps, as it grows (3 rounds).
  for (let round = 0; round < 3; round++) {
    const place = await target.fresh();
    for (const run of growing) checkpoints.push(await timed(() => place.save(run)));
    await place.close();
  }
  return {
    write: median(writes),
    read: median(reads),
    checkpoint: median(checkpoints),
    lastCheckpoints: median(checkpoints.slice(-10)),
  };
}

const scratch = mkdtempSync(join(tmpdir(), "loupe-bench-store-"));
const allImages = await makeImages();
const whole = runAfter(STEPS, allImages);
const growing = Array.from({ length: STEPS }, (_, index) => runAfter(index + 1, allImages));
const imageBytes = whole.images.list().reduce((sum, ref) => sum + ref.byteLength, 0);
let counter = 0;

const storeTarget = (name: string, location: () => Promise<string>): Target => ({
  name,
  async fresh() {
    const store: RunStore = await openRunStore(await location());
    return {
      save: (run) => store.save(run),
      read: () => store.load("bench-run"),
      close: () => store.close(),
    };
  },
});

const targets: Target[] = [
  {
    name: "trajectory folder",
    async fresh() {
      const dir = join(scratch, `folder-${++counter}`);
      const folder = new TrajectoryFolder(dir);
      return {
        save: (run) => folder.write(run.trajectory, run.images),
        read: () => readTrajectory(dir, { loadImages: true }),
        close: async () => {},
      };
    },
  },
  storeTarget("SQLite store", async () => join(scratch, `sqlite-${++counter}`, "loupe.db")),
];
const cluster = postgresBinaries() ? await startPostgres() : undefined;
if (cluster)
  targets.push(storeTarget("PostgreSQL store", () => cluster.createDatabase(`bench_${++counter}`)));

try {
  console.log(
    `A ${STEPS}-step trajectory with ${whole.images.size} images (${(imageBytes / 1024).toFixed(0)} KiB of JPEG, ${(JSON.stringify(whole.trajectory).length / 1024).toFixed(0)} KiB of JSON); medians of ${rounds} rounds.`,
  );
  const results = [];
  for (const target of targets)
    results.push({ name: target.name, ...(await measure(target, whole, growing)) });
  const base = results[0]!;
  const ms = (value: number) => `${value.toFixed(2)} ms`;
  const ratio = (value: number, of: number) => `${(value / of).toFixed(2)}x`;
  console.log(
    "\n| target | write | ratio | read (with image bytes) | ratio | checkpoint (median of 50 growing saves) | ratio | last 10 checkpoints |",
  );
  console.log("|---|---|---|---|---|---|---|---|");
  for (const result of results)
    console.log(
      `| ${result.name} | ${ms(result.write)} | ${ratio(result.write, base.write)} | ${ms(result.read)} | ${ratio(result.read, base.read)} | ${ms(result.checkpoint)} | ${ratio(result.checkpoint, base.checkpoint)} | ${ms(result.lastCheckpoints)} |`,
    );
  if (!cluster)
    console.log(
      "\nPostgreSQL: skipped, not installed (sudo apt-get install -y postgresql; it is in scripts/debian-packages.txt).",
    );
} finally {
  await cluster?.stop();
  rmSync(scratch, { recursive: true, force: true });
}
