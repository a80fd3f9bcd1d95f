/**
 * Local index figures: ingest rate, text query latency, reverse image query latency and recall@1
 * under crop, resize and JPEG recompression.
 *   node --import tsx bench/search-index.ts [--docs 100000] [--queries 200]
 * Text documents are real Markdown files ingested through `add`. Images: a few hundred real PNG
 * files go through `add` (to measure the real image ingest rate); the rest are generated pixels
 * whose descriptors are stored through addImageDescriptors, so 100k pictures take minutes, not
 * hours. Every query goes through the real query path (searchByImage with encoded bytes).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import sharp from "sharp";
import { CANONICAL_SIZE, describeCanonicalPixels } from "../src/search/local-index/image-descriptors.js";
import { openLocalIndex } from "../src/search/local-index/index.js";

function argument(name: string, fallback: number): number {
  const position = process.argv.indexOf(`--${name}`);
  return position >= 0 ? Number(process.argv[position + 1]) : fallback;
}
const documentCount = argument("docs", 100_000);
const queryCount = argument("queries", 200);
const realImageFiles = Math.min(300, documentCount);

/** Deterministic pseudo-random numbers (mulberry32), so image i can be regenerated for its query. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A CANONICAL_SIZE RGB picture: gradient background, 3-7 rectangles and discs, light noise. */
function generatePicture(seed: number): Uint8Array {
  const next = random(seed + 1);
  const size = CANONICAL_SIZE;
  const pixels = new Uint8Array(size * size * 3);
  const from = [next() * 255, next() * 255, next() * 255];
  const to = [next() * 255, next() * 255, next() * 255];
  const angle = next() * Math.PI * 2;
  const [dx, dy] = [Math.cos(angle), Math.sin(angle)];
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const t = Math.min(1, Math.max(0, 0.5 + ((x - size / 2) * dx + (y - size / 2) * dy) / size));
      for (let c = 0; c < 3; c++) pixels[(y * size + x) * 3 + c] = from[c]! + (to[c]! - from[c]!) * t;
    }
  }
  const shapes = 3 + Math.floor(next() * 5);
  for (let shape = 0; shape < shapes; shape++) {
    const colour = [next() * 255, next() * 255, next() * 255];
    const cx = next() * size;
    const cy = next() * size;
    const rx = 8 + next() * size * 0.3;
    const ry = 8 + next() * size * 0.3;
    const disc = next() < 0.5;
    for (let y = Math.max(0, Math.floor(cy - ry)); y < Math.min(size, cy + ry); y++) {
      for (let x = Math.max(0, Math.floor(cx - rx)); x < Math.min(size, cx + rx); x++) {
        if (disc && ((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2 > 1) continue;
        for (let c = 0; c < 3; c++) pixels[(y * size + x) * 3 + c] = colour[c]!;
      }
    }
  }
  for (let index = 0; index < pixels.length; index++) {
    pixels[index] = Math.max(0, Math.min(255, pixels[index]! + (next() - 0.5) * 24));
  }
  return pixels;
}

const WORDS = Array.from({ length: 5000 }, (_, index) => `w${index.toString(36)}${"aeiou"[index % 5]}`);
function generateText(next: () => number, words: number): string {
  // Zipf-like: low indices are common words, high indices rare ones.
  return Array.from({ length: words }, () => WORDS[Math.floor(WORDS.length * next() ** 3)]!).join(" ");
}

function percentile(values: number[], fraction: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))]!;
}

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const start = performance.now();
  const value = await work();
  return { value, ms: performance.now() - start };
}

const folder = mkdtempSync(join(tmpdir(), "loupe-bench-index-"));
const rows: [string, string][] = [];
try {
  const index = openLocalIndex(join(folder, "index.sqlite"));

  // Text: real files through add().
  const textFolder = join(folder, "text");
  await mkdir(textFolder);
  const nextWord = random(7);
  for (let document = 0; document < documentCount; document++) {
    const sub = join(textFolder, String(Math.floor(document / 1000)));
    if (document % 1000 === 0) await mkdir(sub);
    await writeFile(
      join(sub, `doc-${document}.md`),
      `# ${generateText(nextWord, 6)}\n\n${generateText(nextWord, 120)}\n`,
    );
  }
  const textIngest = await index.add([textFolder]);
  rows.push([
    "text ingest",
    `${documentCount} docs in ${textIngest.seconds.toFixed(1)} s = ${(documentCount / textIngest.seconds).toFixed(0)} docs/s`,
  ]);
  const textLatencies: number[] = [];
  const nextQuery = random(11);
  for (let query = 0; query < queryCount; query++) {
    const text = `${WORDS[Math.floor(WORDS.length * nextQuery())]} ${WORDS[Math.floor(WORDS.length * nextQuery())]}`;
    textLatencies.push((await timed(() => index.searchText(text, { limit: 10 }))).ms);
  }
  rows.push([
    "text query p50 / p99",
    `${percentile(textLatencies, 0.5).toFixed(2)} / ${percentile(textLatencies, 0.99).toFixed(2)} ms`,
  ]);

  // Images: a few hundred real PNG files through add(), the rest as descriptors.
  const imageFolder = join(folder, "images");
  await mkdir(imageFolder);
  const pngOf = (seed: number) =>
    sharp(generatePicture(seed), { raw: { width: CANONICAL_SIZE, height: CANONICAL_SIZE, channels: 3 } })
      .png()
      .toBuffer();
  for (let image = 0; image < realImageFiles; image++)
    await writeFile(join(imageFolder, `image-${image}.png`), await pngOf(image));
  const imageIngest = await index.add([imageFolder]);
  rows.push([
    "image ingest (files)",
    `${realImageFiles} in ${imageIngest.seconds.toFixed(1)} s = ${(realImageFiles / imageIngest.seconds).toFixed(0)} images/s`,
  ]);
  const describeStart = performance.now();
  for (let start = realImageFiles; start < documentCount; start += 1000) {
    const batch = [];
    for (let image = start; image < Math.min(documentCount, start + 1000); image++) {
      const descriptors = describeCanonicalPixels(generatePicture(image), CANONICAL_SIZE, CANONICAL_SIZE);
      batch.push({ path: join(imageFolder, `image-${image}.png`), title: `image ${image}`, descriptors });
    }
    index.addImageDescriptors(batch);
  }
  const generated = documentCount - realImageFiles;
  rows.push([
    "image generate+describe",
    `${generated} in ${((performance.now() - describeStart) / 1000).toFixed(1)} s`,
  ]);

  const transforms: Record<string, (png: Buffer) => Promise<Buffer>> = {
    "central 60% crop": (png) =>
      sharp(png).extract({ left: 26, top: 26, width: 77, height: 77 }).png().toBuffer(),
    "random 70-90% crop": async (png) => {
      const next = random(png.length);
      const side = Math.round(CANONICAL_SIZE * (0.7 + next() * 0.2));
      const left = Math.floor(next() * (CANONICAL_SIZE - side));
      const top = Math.floor(next() * (CANONICAL_SIZE - side));
      return sharp(png).extract({ left, top, width: side, height: side }).png().toBuffer();
    },
    "50% resize": (png) =>
      sharp(png)
        .resize(CANONICAL_SIZE / 2)
        .png()
        .toBuffer(),
    "JPEG q30": (png) => sharp(png).jpeg({ quality: 30 }).toBuffer(),
  };
  const pickQuery = random(13);
  const targets = Array.from({ length: queryCount }, () => Math.floor(pickQuery() * documentCount));
  for (const [name, transform] of Object.entries(transforms)) {
    const latencies: number[] = [];
    let found = 0;
    for (const target of targets) {
      const bytes = await transform(await pngOf(target));
      const { value, ms } = await timed(() =>
        index.searchByImage({ id: "query", bytes, mime: "image/png" }, { limit: 5 }),
      );
      latencies.push(ms);
      if (value[0]?.source === pathToFileURL(join(imageFolder, `image-${target}.png`)).href) found++;
    }
    rows.push([
      `image query: ${name}`,
      `recall@1 ${(found / targets.length).toFixed(3)}, p50 ${percentile(latencies, 0.5).toFixed(1)} ms, p99 ${percentile(latencies, 0.99).toFixed(1)} ms`,
    ]);
  }
  const stats = index.stats();
  rows.push([
    "index size",
    `${stats.documents} documents, ${stats.images} images, ${(stats.bytes / 1e6).toFixed(0)} MB`,
  ]);
  index.close();
} finally {
  rmSync(folder, { recursive: true, force: true });
}

const width = Math.max(...rows.map(([name]) => name.length));
console.log(
  `\nlocal index at ${documentCount} documents and ${documentCount} images, ${queryCount} queries each\n`,
);
for (const [name, value] of rows) console.log(`${name.padEnd(width)}  ${value}`);
