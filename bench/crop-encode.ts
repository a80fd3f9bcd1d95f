/**
 * Crop-and-encode speed on an ~8K photo: Loupe's crop tool (first crop decodes the image, later
 * crops cut from the run's cached decoded pixels) next to a naive Python PIL tool server that
 * opens, crops and encodes per call. Same crops, same output (JPEG quality 92) on both sides.
 * Run: node --import tsx bench/crop-encode.ts
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import sharp from "sharp";
import { imageConfigSchema } from "../src/core/config.js";
import { loadInputImage } from "../src/images/load-image.js";
import { cropArguments, cropTool } from "../src/tools/image/crop.js";
import { producedJpegQuality } from "../src/tools/image/produce-image.js";
import { addInputImage, imageToolContext } from "../src/tools/image/test-context.js";
import { fixturePath, fixturesMissingMessage, hasFixtures } from "../test/support/fixtures.js";

const pythonPath = "/usr/bin/python3";
const pilServerPath = join(dirname(fileURLToPath(import.meta.url)), "support", "pil-crop-server.py");
const width = 7680;
const height = 4320;
const tiles = ["signicade.JPG", "flag.JPG", "vending_machine.jpg", "nba.png"];

/** Regions a model zooming around the picture might ask for: large, medium and small. */
const boxes: [number, number, number, number][] = [
  [1000, 600, 2800, 1800],
  [4200, 300, 5400, 1100],
  [300, 2500, 1100, 3100],
  [5000, 2600, 7600, 4300],
  [3700, 2000, 4300, 2400],
  [200, 200, 712, 712],
  [6000, 1000, 7000, 1600],
  [2500, 3200, 3700, 4000],
  [3000, 1000, 3800, 1500],
  [100, 3600, 1600, 4300],
];

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

/** Tiles the high-resolution fixtures into one 7680x4320 JPEG, built once and kept in tmp. */
async function buildEightKPhoto(): Promise<string> {
  const folder = join(tmpdir(), "loupe-bench");
  const path = join(folder, `tiled-${width}x${height}.jpg`);
  if (existsSync(path)) return path;
  mkdirSync(folder, { recursive: true });
  const tileWidth = width / 2;
  const tileHeight = height / 2;
  const composites = await Promise.all(
    tiles.map(async (name, index) => ({
      input: await sharp(fixturePath("hires", name))
        .resize(tileWidth, tileHeight, { fit: "cover" })
        .toBuffer(),
      left: (index % 2) * tileWidth,
      top: Math.floor(index / 2) * tileHeight,
    })),
  );
  await sharp({ create: { width, height, channels: 3, background: "#000000" } })
    .composite(composites)
    .jpeg({ quality: 90 })
    .toFile(path);
  return path;
}

async function timeLoupe(path: string): Promise<{ cold: number; repeated: number[]; bytes: number[] }> {
  const config = imageConfigSchema.parse({});
  const crop = cropTool(config);
  const loaded = await loadInputImage(path, config);
  const context = imageToolContext();
  addInputImage(context, loaded.bytes, loaded.facts);
  const times: number[] = [];
  const bytes: number[] = [];
  for (const box of boxes) {
    const start = performance.now();
    const result = await crop.execute(cropArguments.parse({ box, scale: 1 }), context);
    times.push(performance.now() - start);
    bytes.push(result.images[0]!.byteLength);
  }
  return { cold: times[0]!, repeated: times.slice(1), bytes };
}

function pilMissing(): string | undefined {
  const probe = spawnSync(pythonPath, ["-c", "import PIL"], { encoding: "utf8" });
  if (probe.error) return `${pythonPath} not found (${probe.error.message})`;
  if (probe.status !== 0) return `${pythonPath} cannot import PIL`;
  return undefined;
}

async function timePil(path: string): Promise<{ cold: number; repeated: number[]; bytes: number[] }> {
  const server = spawn(pythonPath, [pilServerPath], { stdio: ["pipe", "pipe", "inherit"] });
  const replies = createInterface({ input: server.stdout })[Symbol.asyncIterator]();
  const times: number[] = [];
  const bytes: number[] = [];
  try {
    for (const box of boxes) {
      server.stdin.write(`${JSON.stringify({ path, box, format: "jpeg", quality: producedJpegQuality })}\n`);
      const reply = await replies.next();
      if (reply.done) throw new Error("the PIL crop server exited early");
      const parsed = JSON.parse(reply.value) as { ms: number; bytes: number };
      times.push(parsed.ms);
      bytes.push(parsed.bytes);
    }
  } finally {
    server.stdin.end();
  }
  return { cold: times[0]!, repeated: times.slice(1), bytes };
}

function row(cells: string[]): string {
  return `| ${cells.map((cell, index) => (index === 0 ? cell.padEnd(36) : cell.padStart(9))).join(" | ")} |`;
}

async function main(): Promise<void> {
  if (!hasFixtures) {
    console.log(`crop-encode bench: ${fixturesMissingMessage}`);
    return;
  }
  const path = await buildEightKPhoto();
  console.log(
    `crop-encode bench: ${width}x${height} JPEG (${path}), ${boxes.length} crops, JPEG q${producedJpegQuality} out`,
  );
  const loupe = await timeLoupe(path);
  const missing = pilMissing();
  const pil = missing ? undefined : await timePil(path);
  const format = (value: number | undefined) => (value === undefined ? "n/a" : value.toFixed(1));
  const ratio = (baseline: number | undefined, ours: number) =>
    baseline === undefined ? "n/a" : `${(baseline / ours).toFixed(1)}x`;
  const loupeRepeated = median(loupe.repeated);
  const pilRepeated = pil ? median(pil.repeated) : undefined;
  console.log(row(["case", "Loupe ms", "PIL ms", "PIL/Loupe"]));
  console.log(row(["-".repeat(36), "-".repeat(9), "-".repeat(9), "-".repeat(9)]));
  console.log(
    row([
      "first crop (decode + crop + encode)",
      format(loupe.cold),
      format(pil?.cold),
      ratio(pil?.cold, loupe.cold),
    ]),
  );
  console.log(
    row([
      `repeated crops (median of ${loupe.repeated.length})`,
      format(loupeRepeated),
      format(pilRepeated),
      ratio(pilRepeated, loupeRepeated),
    ]),
  );
  const loupeBytes = loupe.bytes.reduce((sum, value) => sum + value, 0);
  console.log(
    `output bytes, all crops: Loupe ${loupeBytes}${pil ? `, PIL ${pil.bytes.reduce((sum, value) => sum + value, 0)}` : ""}`,
  );
  if (!pil) {
    console.log(`PIL baseline skipped: ${missing}. Install it with: sudo apt-get install -y python3-pil`);
    return;
  }
  const speedup = pilRepeated! / loupeRepeated;
  console.log(
    `target: repeated crops >= 10x faster than PIL: ${speedup >= 10 ? "met" : "NOT met"} (${speedup.toFixed(1)}x)`,
  );
}

await main();
