/**
 * Local index figures (issue 4), in one table from one run: ingest rates; text query p50/p99;
 * reverse image query p50/p99 and recall@1 under crops, resizes and JPEG recompression; search
 * cache hit latency next to a local text query.
 *   node --import tsx bench/search-index.ts [--docs 100000] [--queries 200]
 *     [--matcher-images 1000] [--photo-queries 12] [--matchers-only]
 * Text documents are real Markdown files ingested through `add`. Images: a few hundred real PNG
 * files go through `add` (the real image ingest rate); the rest are generated pictures (96-256 px,
 * any aspect) reduced by sharp exactly as ingest does and stored through addImageDescriptors, so
 * 100k pictures take minutes, not hours. Every query goes through the real query path:
 * searchByImage with encoded bytes of a transformed copy of a generated picture.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import sharp, { type Sharp } from "sharp";
import { seededRandom } from "../src/core/seeded-random.js";
import { SearchCache } from "../src/search/cache.js";
import { CANONICAL_SIZE, describeCanonicalPixels } from "../src/search/local-index/image-descriptors.js";
import type { ImageMatcherChoice } from "../src/search/local-index/image-lookup.js";
import { openLocalIndex } from "../src/search/local-index/index.js";
import { describeLocalFeatures } from "../src/search/local-index/local-features.js";
import { fixturePath, hasFixtures } from "../test/support/fixtures.js";
import { issueTransforms } from "../test/support/image-transforms.js";

function argument(name: string, fallback: number): number {
  const position = process.argv.indexOf(`--${name}`);
  return position >= 0 ? Number(process.argv[position + 1]) : fallback;
}
const documentCount = argument("docs", 100_000);
const queryCount = argument("queries", 200);
const realImageFiles = Math.min(300, documentCount);
/** Images in the side-by-side comparison of the matchers (issue 14): real photos plus distractors. */
const matcherImages = argument("matcher-images", 1000);
/** Real photos queried per transform in that comparison. */
const photoQueries = argument("photo-queries", 12);
const skipText = process.argv.includes("--matchers-only");

interface Picture {
  pixels: Uint8Array;
  width: number;
  height: number;
}

/**
 * Picture `seed`: 96-256 px on each side, a linear gradient background, 3-9 rectangles, discs and
 * stripe patches, then noise of a random strength. Different enough from each other to be a fair
 * haystack, simple enough to make 100k of them in a couple of minutes.
 */
function generatePicture(seed: number): Picture {
  const next = seededRandom(seed + 1);
  const width = 96 + Math.floor(next() * 161);
  const height = 96 + Math.floor(next() * 161);
  const pixels = new Uint8Array(width * height * 3);
  const from = [next() * 255, next() * 255, next() * 255];
  const to = [next() * 255, next() * 255, next() * 255];
  const angle = next() * Math.PI * 2;
  const [dx, dy] = [Math.cos(angle) / width, Math.sin(angle) / height];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const t = Math.min(1, Math.max(0, 0.5 + (x - width / 2) * dx + (y - height / 2) * dy));
      for (let c = 0; c < 3; c++) pixels[(y * width + x) * 3 + c] = from[c]! + (to[c]! - from[c]!) * t;
    }
  }
  const shapes = 3 + Math.floor(next() * 7);
  for (let shape = 0; shape < shapes; shape++) {
    const colour = [next() * 255, next() * 255, next() * 255];
    const [cx, cy] = [next() * width, next() * height];
    const [rx, ry] = [6 + next() * width * 0.3, 6 + next() * height * 0.3];
    const kind = Math.floor(next() * 3);
    const period = 3 + Math.floor(next() * 6);
    for (let y = Math.max(0, Math.floor(cy - ry)); y < Math.min(height, cy + ry); y++) {
      for (let x = Math.max(0, Math.floor(cx - rx)); x < Math.min(width, cx + rx); x++) {
        if (kind === 1 && ((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2 > 1) continue;
        if (kind === 2 && Math.floor((x + y) / period) % 2 === 0) continue;
        for (let c = 0; c < 3; c++) pixels[(y * width + x) * 3 + c] = colour[c]!;
      }
    }
  }
  // Noise from an inline xorshift: one closure call per byte would double the generation time.
  const strength = 8 + next() * 32;
  let state = (seed * 2654435761 + 1) >>> 0 || 1;
  for (let index = 0; index < pixels.length; index++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    const noise = ((state >>> 0) / 4294967296 - 0.5) * strength;
    pixels[index] = Math.max(0, Math.min(255, pixels[index]! + noise));
  }
  return { pixels, width, height };
}

const raw = (picture: Picture) => ({
  raw: { width: picture.width, height: picture.height, channels: 3 as const },
});
const pngOf = (seed: number) => {
  const picture = generatePicture(seed);
  return sharp(picture.pixels, raw(picture)).png().toBuffer();
};

/** The canonical square exactly as ingest makes it (describeImage), from raw pixels. */
async function describeGenerated(seed: number) {
  const picture = generatePicture(seed);
  const canonical = await sharp(picture.pixels, raw(picture))
    .resize(CANONICAL_SIZE, CANONICAL_SIZE, { fit: "fill", kernel: "cubic" })
    .raw()
    .toBuffer();
  return describeCanonicalPixels(new Uint8Array(canonical), picture.width, picture.height);
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
const p50p99 = (values: number[], digits = 2) =>
  `p50 ${percentile(values, 0.5).toFixed(digits)} ms, p99 ${percentile(values, 0.99).toFixed(digits)} ms`;

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const start = performance.now();
  const value = await work();
  return { value, ms: performance.now() - start };
}

/** A square crop of `fraction` of the shorter side at a random offset. */
async function randomCrop(png: Buffer, seed: number, low: number, high: number): Promise<Sharp> {
  const { width = 0, height = 0 } = await sharp(png).metadata();
  const next = seededRandom(seed);
  const cropWidth = Math.round(width * (low + next() * (high - low)));
  const cropHeight = Math.round(height * (low + next() * (high - low)));
  const left = Math.floor(next() * (width - cropWidth + 1));
  const top = Math.floor(next() * (height - cropHeight + 1));
  return sharp(png).extract({ left, top, width: cropWidth, height: cropHeight });
}

const transforms: Record<string, (png: Buffer, seed: number) => Promise<Buffer>> = {
  "central 60% crop": async (png) => {
    const { width = 0, height = 0 } = await sharp(png).metadata();
    const [cropWidth, cropHeight] = [Math.round(width * 0.6), Math.round(height * 0.6)];
    return sharp(png)
      .extract({
        left: Math.round((width - cropWidth) / 2),
        top: Math.round((height - cropHeight) / 2),
        width: cropWidth,
        height: cropHeight,
      })
      .png()
      .toBuffer();
  },
  "random 70-90% crop, any offset": async (png, seed) =>
    (await randomCrop(png, seed, 0.7, 0.9)).png().toBuffer(),
  "50% resize": async (png) => {
    const { width = 0 } = await sharp(png).metadata();
    return sharp(png)
      .resize(Math.round(width / 2))
      .png()
      .toBuffer();
  },
  "JPEG q30": (png) => sharp(png).jpeg({ quality: 30 }).toBuffer(),
  "crop 70-90% + 150% + JPEG q50": async (png, seed) => {
    const crop = await (await randomCrop(png, seed, 0.7, 0.9)).png().toBuffer();
    const { width = 0 } = await sharp(crop).metadata();
    return sharp(crop)
      .resize(Math.round(width * 1.5))
      .jpeg({ quality: 50 })
      .toBuffer();
  },
};

const folder = mkdtempSync(join(tmpdir(), "loupe-bench-index-"));
const rows: [string, string][] = [];
const benchStart = performance.now();
if (!skipText) {
  const index = openLocalIndex(join(folder, "index.sqlite"));

  // Text: real files through add().
  const textFolder = join(folder, "text");
  await mkdir(textFolder);
  const nextWord = seededRandom(7);
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
    "text ingest (Markdown files)",
    `${documentCount} docs in ${textIngest.seconds.toFixed(1)} s = ${(documentCount / textIngest.seconds).toFixed(0)} docs/s`,
  ]);
  const textLatencies: number[] = [];
  const nextQuery = seededRandom(11);
  const textQueries = Array.from(
    { length: queryCount },
    () => `${WORDS[Math.floor(WORDS.length * nextQuery())]} ${WORDS[Math.floor(WORDS.length * nextQuery())]}`,
  );
  for (const text of textQueries)
    textLatencies.push((await timed(() => index.searchText(text, { limit: 10 }))).ms);
  rows.push([`text query at ${documentCount} docs`, p50p99(textLatencies)]);

  // Search cache: a hit is one SQLite lookup and a JSON parse of what the backend returned.
  const cache = new SearchCache({ path: join(folder, "cache.sqlite"), ttlSeconds: 3600 });
  const keys: string[] = [];
  for (const text of textQueries) {
    const key = SearchCache.keyOf({ backend: "local", operation: "searchText", subject: text, limit: 10 });
    cache.set(key, await index.searchText(text, { limit: 10 }));
    keys.push(key);
  }
  const cacheLatencies: number[] = [];
  for (let round = 0; round < 10; round++) {
    for (const key of keys) {
      const start = performance.now();
      if (cache.get(key) === undefined) throw new Error("the search cache lost an entry");
      cacheLatencies.push(performance.now() - start);
    }
  }
  cache.close();
  rows.push([
    "search cache hit (10 text hits)",
    `${p50p99(cacheLatencies, 3)} = ${(percentile(cacheLatencies, 0.5) / percentile(textLatencies, 0.5)).toFixed(2)}x the text query p50`,
  ]);

  // Images: a few hundred real PNG files through add(), the rest as descriptors.
  const imageFolder = join(folder, "images");
  await mkdir(imageFolder);
  for (let image = 0; image < realImageFiles; image++)
    await writeFile(join(imageFolder, `image-${image}.png`), await pngOf(image));
  const imageIngest = await index.add([imageFolder]);
  rows.push([
    "image ingest (PNG files)",
    `${realImageFiles} in ${imageIngest.seconds.toFixed(1)} s = ${(realImageFiles / imageIngest.seconds).toFixed(0)} images/s`,
  ]);
  const describeStart = performance.now();
  for (let start = realImageFiles; start < documentCount; start += 500) {
    const seeds = Array.from({ length: Math.min(500, documentCount - start) }, (_, offset) => start + offset);
    const described = await Promise.all(seeds.map(describeGenerated));
    index.addImageDescriptors(
      described.map((descriptors, position) => ({
        path: join(imageFolder, `image-${seeds[position]}.png`),
        title: `image ${seeds[position]}`,
        descriptors,
      })),
    );
  }
  const generated = documentCount - realImageFiles;
  const describeSeconds = (performance.now() - describeStart) / 1000;
  rows.push([
    "image generate+describe+store",
    `${generated} in ${describeSeconds.toFixed(1)} s = ${(generated / describeSeconds).toFixed(0)} images/s`,
  ]);

  const pickQuery = seededRandom(13);
  const targets = Array.from({ length: queryCount }, () => Math.floor(pickQuery() * documentCount));
  for (const [name, transform] of Object.entries(transforms)) {
    const latencies: number[] = [];
    let found = 0;
    for (const [position, target] of targets.entries()) {
      const bytes = await transform(await pngOf(target), target * 31 + position);
      const { value, ms } = await timed(() =>
        index.searchByImage({ id: "query", bytes, mime: "image/png" }, { limit: 5 }),
      );
      latencies.push(ms);
      if (value[0]?.source === pathToFileURL(join(imageFolder, `image-${target}.png`)).href) found++;
    }
    rows.push([
      `image query: ${name}`,
      `recall@1 ${(found / targets.length).toFixed(3)}, ${p50p99(latencies, 1)}`,
    ]);
  }
  const stats = index.stats();
  const memory = process.memoryUsage();
  rows.push([
    "index size",
    `${stats.documents} documents, ${stats.images} images: ${(stats.bytes / 1e6).toFixed(0)} MB on disk, image scan memory ${(stats.imageMemoryBytes / 1e6).toFixed(0)} MB, process RSS ${(memory.rss / 1e6).toFixed(0)} MB`,
  ]);
  index.close();
}

/**
 * Issue 14: today's matcher (global descriptors) next to the new one (global first, then ORB
 * local features with RANSAC; image-lookup.ts), on the same index and the same queries. The index
 * holds the fixture photos (hires, r1v4-demo, livevqa-news) through add(), and generated pictures
 * as distractors (the generator above, 96-256 px, described with descriptors and ORB features
 * exactly as ingest does). Queries: every issue-14 transform of `photoQueries` photos. Recall@1
 * counts a hit only when the first result is the original and is not marked `similar`.
 */
async function compareMatchers(): Promise<void> {
  if (!hasFixtures) {
    rows.push(["matchers (issue 14)", "skipped: ../shared/fixtures not found"]);
    return;
  }
  const { readdirSync, readFileSync } = await import("node:fs");
  const photoFolders = ["hires", "r1v4-demo", join("livevqa-news", "images")].map((name) =>
    fixturePath(name),
  );
  const photos = photoFolders.flatMap((photoFolder) =>
    readdirSync(photoFolder)
      .filter((name) => /\.(jpe?g|png)$/i.test(name))
      .map((name) => join(photoFolder, name)),
  );
  const matcherFolder = join(folder, "matchers");
  const index = openLocalIndex(join(matcherFolder, "index.sqlite"));
  const photoIngest = await index.add(photos);
  rows.push([
    "matchers: photo ingest (descriptors + ORB)",
    `${photoIngest.images} photos in ${photoIngest.seconds.toFixed(1)} s = ${(photoIngest.images / photoIngest.seconds).toFixed(1)} images/s`,
  ]);
  const distractors = Math.max(0, matcherImages - photoIngest.images);
  const distractorStart = performance.now();
  for (let start = 0; start < distractors; start += 100) {
    const seeds = Array.from(
      { length: Math.min(100, distractors - start) },
      (_, offset) => 1_000_000 + start + offset,
    );
    const described = [];
    for (const seed of seeds) {
      const png = await pngOf(seed);
      described.push({
        path: join(matcherFolder, `distractor-${seed}.png`),
        title: `distractor ${seed}`,
        descriptors: await describeGenerated(seed),
        features: await describeLocalFeatures(png),
      });
    }
    index.addImageDescriptors(described);
  }
  const distractorSeconds = (performance.now() - distractorStart) / 1000;
  rows.push([
    "matchers: distractor generate+describe+store",
    `${distractors} in ${distractorSeconds.toFixed(1)} s = ${(distractors / Math.max(distractorSeconds, 1e-9)).toFixed(1)} images/s`,
  ]);
  const stats = index.stats();
  rows.push([
    `matchers: index of ${stats.images} images`,
    `disk ${(stats.bytes / stats.images / 1024).toFixed(1)} KB/image; memory ${(stats.imageMemoryBytes / stats.images / 1024).toFixed(2)} KB/image global + ${(stats.featureMemoryBytes / stats.images / 1024).toFixed(2)} KB/image local features`,
  ]);
  const queried = photos
    .filter((_, position) => position % Math.max(1, Math.floor(photos.length / photoQueries)) === 0)
    .slice(0, photoQueries);
  // Queries start from the photo at most 1600 px on a side (still the same picture, and the
  // index holds the full file): encoding 11-megapixel PNGs would dominate the run.
  const originals = await Promise.all(
    queried.map((photo) =>
      sharp(readFileSync(photo))
        .rotate()
        .resize(1600, 1600, { fit: "inside", withoutEnlargement: true })
        .jpeg({ quality: 95 })
        .toBuffer(),
    ),
  );
  const allLatencies: Record<string, number[]> = { global: [], combined: [] };
  for (const [name, transform] of Object.entries(issueTransforms)) {
    const queries = await Promise.all(originals.map((bytes, position) => transform(bytes, position)));
    const cells: string[] = [];
    for (const choice of ["global", "combined"] as ImageMatcherChoice[]) {
      let found = 0;
      const latencies: number[] = [];
      for (const [position, bytes] of queries.entries()) {
        const { value, ms } = await timed(() =>
          index.matchImage({ id: "query", bytes, mime: "image/png" }, 5, choice),
        );
        latencies.push(ms);
        allLatencies[choice]!.push(ms);
        const first = value[0];
        if (first && first.match.kind !== "similar" && first.id === index.imageIdOf(queried[position]!))
          found++;
      }
      cells.push(
        `${choice === "global" ? "today" : "new"} ${(found / queries.length).toFixed(2)} (p50 ${percentile(latencies, 0.5).toFixed(0)} ms)`,
      );
    }
    rows.push([`matchers: ${name}`, cells.join(", ")]);
  }
  rows.push(["matchers: today's, all queries", p50p99(allLatencies.global!, 1)]);
  rows.push(["matchers: new, all queries", p50p99(allLatencies.combined!, 1)]);
  index.close();
}

try {
  await compareMatchers();
} finally {
  rmSync(folder, { recursive: true, force: true });
}

const width = Math.max(...rows.map(([name]) => name.length));
console.log(
  skipText
    ? `\nimage matchers at ${matcherImages} images, ${photoQueries} photos per transform, ${((performance.now() - benchStart) / 1000).toFixed(0)} s in all\n`
    : `\nlocal index at ${documentCount} documents and ${documentCount} images, ${queryCount} queries per row, ${((performance.now() - benchStart) / 1000).toFixed(0)} s in all\n`,
);
for (const [name, value] of rows) console.log(`${name.padEnd(width)}  ${value}`);
