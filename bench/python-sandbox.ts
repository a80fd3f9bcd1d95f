/**
 * Python sandbox figures: cold session start, start from the warm pool, round trip of a trivial
 * statement, and crop-and-return on a 4K JPEG photo, next to the naive approach of spawning a
 * fresh `python3 -c` per call that does the same work (import PIL, open, crop, encode).
 * The warm crop goes through the python tool, so it includes the host's encode (JPEG quality 92
 * for a crop of a photo) and adding the image to the run; the naive script writes the same
 * JPEG. The naive PNG row is the older baseline (PIL's default PNG), for comparison.
 * Run: node --import tsx bench/python-sandbox.ts
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ImageSet } from "../src/core/image-set.js";
import { createToolContext } from "../src/core/tool-context.js";
import { SandboxPool } from "../src/sandbox/sandbox-pool.js";
import { pythonTool } from "../src/tools/python/index.js";
import { fixturePath, hasFixtures } from "../test/support/fixtures.js";

const pythonPath = "/usr/bin/python3";
const imagePath = fixturePath("hires", "signicade.JPG");
const box = [1000, 600, 1800, 1200];

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

async function time(work: () => Promise<unknown> | unknown): Promise<number> {
  const start = performance.now();
  await work();
  return performance.now() - start;
}

/**
 * Taking a session makes the pool start a spare, whose imports take a core for a few hundred ms:
 * timed loops wait for it so they measure the round trip, not the neighbour.
 */
function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 2500));
}

async function main(): Promise<void> {
  if (!hasFixtures) throw new Error(`fixtures missing: ${imagePath}`);
  const cold = new SandboxPool({ pythonPath, warmSessions: 0 });
  const missing = cold.unavailableReason();
  if (missing) throw new Error(missing);

  const coldStarts: number[] = [];
  for (let index = 0; index < 3; index++) {
    coldStarts.push(await time(async () => cold.release(await cold.acquire())));
  }

  const warm = new SandboxPool({ pythonPath, warmSessions: 1 });
  const warmStarts: number[] = [];
  for (let index = 0; index < 3; index++) {
    warm.prewarm();
    await settle();
    const start = performance.now();
    const session = await warm.acquire();
    warmStarts.push(performance.now() - start);
    warm.release(session);
  }

  const session = await warm.acquire();
  await settle();
  const trivial: number[] = [];
  for (let index = 0; index < 30; index++) trivial.push(await time(() => warm.execute(session, "x = 1", [])));

  const imageBytes = new Uint8Array(readFileSync(imagePath));
  await warm.execute(session, "image_1.size", [{ name: "image_1", file: "image_1.jpg", bytes: imageBytes }]);
  const cropCode = `show(image_1.crop((${box.join(", ")})))`;
  const sandboxOnly: number[] = [];
  for (let index = 0; index < 20; index++) {
    sandboxOnly.push(
      await time(async () => {
        const outcome = await warm.execute(session, cropCode, []);
        if (outcome.status !== "ok" || outcome.response.images.length !== 1)
          throw new Error("crop returned no image");
      }),
    );
  }
  warm.release(session);

  const images = new ImageSet();
  images.add(
    imageBytes,
    { mime: "image/jpeg", width: 4240, height: 2700 },
    { kind: "input", source: imagePath },
  );
  const state = new Map<string, unknown>();
  const context = createToolContext({ tool: "python", callId: "bench", images, state });
  const tool = pythonTool({ pool: warm });
  await tool.execute({ code: "image_1.size" }, context); // session start and image loading, not timed
  await settle();
  const crops: number[] = [];
  let producedMime = "";
  for (let index = 0; index < 20; index++) {
    crops.push(
      await time(async () => {
        const result = await tool.execute({ code: cropCode }, context);
        if (result.images.length !== 1) throw new Error(`crop returned no image: ${result.text}`);
        producedMime = result.images[0]!.mime;
      }),
    );
  }
  await tool.dispose?.(state);
  await warm.close();
  await cold.close();

  const scratch = mkdtempSync(join(tmpdir(), "loupe-bench-"));
  const naiveScript = (file: string, options: string) =>
    `from PIL import Image; Image.open(${JSON.stringify(imagePath)}).crop((${box.join(", ")})).save(${JSON.stringify(join(scratch, file))}${options})`;
  const naiveRun = async (script: string) => {
    const samples: number[] = [];
    for (let index = 0; index < 10; index++) {
      samples.push(
        await time(() => {
          const result = spawnSync(pythonPath, ["-c", script]);
          if (result.status !== 0) throw new Error(result.stderr.toString());
        }),
      );
    }
    return samples;
  };
  const naive = await naiveRun(naiveScript("crop.jpg", ", quality=92"));
  const naivePng = await naiveRun(naiveScript("crop.png", ""));
  const naiveTrivial: number[] = [];
  for (let index = 0; index < 10; index++)
    naiveTrivial.push(await time(() => spawnSync(pythonPath, ["-c", "x = 1"])));
  rmSync(scratch, { recursive: true, force: true });

  const rows: [string, number][] = [
    ["cold session start (bwrap + imports)", median(coldStarts)],
    ["session start from the warm pool", median(warmStarts)],
    ["warm round trip: trivial statement", median(trivial)],
    ["naive python3 -c: trivial statement", median(naiveTrivial)],
    ["sandbox only: crop 4K image, raw pixels back", median(sandboxOnly)],
    [`warm round trip: crop 4K image, tool returns ${producedMime.replace("image/", "")}`, median(crops)],
    ["naive python3 -c: import PIL, open, crop, save JPEG", median(naive)],
    ["naive python3 -c: import PIL, open, crop, save PNG", median(naivePng)],
  ];
  for (const [name, ms] of rows) console.log(`${name.padEnd(52)} ${ms.toFixed(2).padStart(9)} ms`);
  const cropRatio = median(naive) / median(crops);
  console.log(
    `\nwarm pool start is ${(median(coldStarts) / median(warmStarts)).toFixed(0)}x faster than a cold start`,
  );
  console.log(
    `trivial: warm round trip is ${(median(naiveTrivial) / median(trivial)).toFixed(1)}x faster than naive`,
  );
  console.log(
    `crop-and-return (same JPEG output): warm round trip is ${cropRatio.toFixed(1)}x faster than naive (target >= 20x: ${cropRatio >= 20 ? "met" : "NOT met"})`,
  );
  console.log(
    `crop-and-return vs naive PNG (older baseline): ${(median(naivePng) / median(crops)).toFixed(1)}x`,
  );
}

await main();
