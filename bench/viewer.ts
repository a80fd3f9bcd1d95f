/**
 * The web viewer's figures, in chromium (Debian's, as the browser tests use it):
 *
 * 1. Time to first render of a 50-step run with 30 images: the run exported as one HTML page
 *    (`loupe runs export --html`'s page), opened from disk, timed from navigation start to the
 *    run view's step detail in the DOM (performance.now() in the page). Baseline in the same run:
 *    a page of one element, timed the same way. Median of `--rounds`.
 * 2. The built UI's size (dist/web: index.html, JS, CSS), raw and gzip.
 *
 * Evaluations have no view yet (the server exposes no evaluations), so there is no 1,000-item
 * figure. Build first (`npm run build`, or `npx vite build --config web/vite.config.ts`).
 *
 *   node --import tsx bench/viewer.ts [--rounds 5]
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";
import sharp from "sharp";
import { runPageHtml } from "../src/apps/viewer/run-page-html.js";
import { requireViewerDirectory } from "../src/apps/viewer/viewer-files.js";
import { ImageSet } from "../src/core/image-set.js";
import type { StepRecord, Trajectory } from "../src/core/trajectory.js";
import { CHROMIUM_PATH, launchChromium } from "../test/browser/chromium.js";

const at = process.argv.indexOf("--rounds");
const rounds = at >= 0 ? Number(process.argv[at + 1]) : 5;
if (!existsSync(CHROMIUM_PATH)) {
  console.log(`viewer bench skipped: ${CHROMIUM_PATH} is absent (apt-get install chromium)`);
  process.exit(0);
}
const viewer = requireViewerDirectory();

const { trajectory, images } = await syntheticRun(50, 30);
const folder = mkdtempSync(join(tmpdir(), "loupe-viewer-bench-"));
const runPage = join(folder, "run.html");
writeFileSync(runPage, await runPageHtml(viewer, trajectory, images));
const emptyPage = join(folder, "empty.html");
writeFileSync(emptyPage, '<!doctype html><html><body><div id="done">empty</div></body></html>');

const browser = await launchChromium();
const timeTo = async (file: string, selector: string): Promise<number> => {
  const page = await browser.newPage();
  await page.goto(pathToFileURL(file).href, { waitUntil: "commit" });
  await page.waitForSelector(selector);
  const ms = await page.evaluate(() => performance.now());
  await page.close();
  return ms;
};
const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
const empty: number[] = [];
const run: number[] = [];
for (let round = 0; round < rounds; round++) {
  empty.push(await timeTo(emptyPage, "#done"));
  run.push(await timeTo(runPage, '[data-testid="step-detail"]'));
}
await browser.close();

const pageBytes = readFileSync(runPage).byteLength;
console.log(`first render, median of ${rounds} (chromium headless, from disk):`);
console.log(`  baseline: a one-element page              ${median(empty).toFixed(0)} ms`);
console.log(
  `  a run of 50 steps and 30 images            ${median(run).toFixed(0)} ms (target < 1000 ms; page ${(pageBytes / 1024).toFixed(0)} KiB)`,
);
let raw = 0;
let gzip = 0;
const walk = (directory: string) => {
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) walk(path);
    else {
      const bytes = readFileSync(path);
      raw += bytes.byteLength;
      gzip += gzipSync(bytes, { level: 9 }).byteLength;
    }
  }
};
walk(viewer);
console.log(`built UI (dist/web): ${(raw / 1024).toFixed(1)} KiB, ${(gzip / 1024).toFixed(1)} KiB gzip`);

/** A run of `steps` steps: crops of one 1024x768 input (and crops of crops), `imageCount` images in all. */
async function syntheticRun(
  steps: number,
  imageCount: number,
): Promise<{ trajectory: Trajectory; images: ImageSet }> {
  const images = new ImageSet();
  const inputBytes = new Uint8Array(
    await sharp({ create: { width: 1024, height: 768, channels: 3, background: "#3060c0" } })
      .png()
      .toBuffer(),
  );
  const input = images.add(
    inputBytes,
    { mime: "image/png", width: 1024, height: 768 },
    { kind: "input", source: "bench.png" },
  );
  const records = [input];
  const stepRecords: StepRecord[] = [];
  for (let index = 1; index <= steps; index++) {
    const makes = records.length < imageCount;
    const parent = records[Math.floor(records.length / 2)]!;
    const box: [number, number, number, number] = [
      0,
      0,
      Math.max(2, parent.width >> 1),
      Math.max(2, parent.height >> 1),
    ];
    const observationImages: string[] = [];
    if (makes) {
      const bytes = new Uint8Array(
        await sharp({
          create: {
            width: 256,
            height: 192,
            channels: 3,
            background: { r: index * 5, g: 100, b: 200 - index },
          },
        })
          .png()
          .toBuffer(),
      );
      const ref = images.add(
        bytes,
        { mime: "image/png", width: 256, height: 192 },
        {
          kind: "tool",
          tool: "crop",
          operation: "crop",
          parameters: { box, pixelBox: box, label: `region ${index}` },
          parent: parent.id,
          callId: `call_${index}`,
          step: index,
        },
      );
      records.push(ref);
      observationImages.push(ref.id);
    }
    stepRecords.push({
      index,
      startedAt: new Date(Date.UTC(2026, 11, 1, 0, 0, index)).toISOString(),
      durationMs: 900,
      modelDurationMs: 700,
      output: {
        content: `Looking closer at part ${index}. `.repeat(8),
        toolCalls: [],
        finishReason: "tool_calls",
      },
      actions: [{ id: `call_${index}`, tool: "crop", arguments: { box }, raw: "" }],
      actionErrors: [],
      observations: [
        {
          callId: `call_${index}`,
          tool: "crop",
          text: `Cropped ${parent.label}.`,
          images: observationImages,
          isError: false,
          durationMs: 200,
        },
      ],
      usage: { promptTokens: 1200 + index * 50, completionTokens: 80 },
    });
  }
  const trajectory: Trajectory = {
    version: 1,
    id: "bench-run",
    createdAt: new Date().toISOString(),
    question: "Where is the sign, and what does it say?",
    inputs: { images: [input.id] },
    config: {
      model: "bench",
      baseUrl: "http://127.0.0.1/v1",
      dialect: "native",
      tools: ["crop"],
      sampling: {},
      budgets: { maxSteps: 60 },
    },
    images: records.map((ref) => ({ ...ref })),
    messages: [
      { role: "system", content: "You look closely." },
      {
        role: "user",
        content: [
          { type: "image", imageId: input.id },
          { type: "text", text: "Where is the sign?" },
        ],
      },
    ],
    steps: stepRecords,
    answer: "On the left.",
    stopReason: "answer",
    budgetsUsed: {
      steps,
      toolCalls: steps,
      usage: { promptTokens: 100_000, completionTokens: 4000 },
      wallMs: 45_000,
    },
  };
  return { trajectory, images };
}
