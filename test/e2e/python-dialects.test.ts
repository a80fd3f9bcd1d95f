import { readdirSync } from "node:fs";
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import sharp from "sharp";
import { afterEach, describe, expect, it } from "vitest";
import { sandboxMissing } from "../../src/sandbox/sandbox-test-support.js";
import { lastRequestImages, regionDifference } from "../support/decode-image-parts.js";
import { fixturePath, hasFixtures } from "../support/fixtures.js";
import { type RecordedRequest, startModelServer } from "../support/model-server.js";
import { runCli } from "../support/run-cli.js";

/**
 * `loupe ask` end to end with the real sandbox: a scripted model writes Python in the DeepEyesV2
 * and Skywork-R1V4 dialects that crops a photo and raises its contrast; the test checks what the
 * model is shown next (observation text in the dialect's format, and the enhanced crop's pixels),
 * what the trajectory records, and that the CLI exits leaving no sandbox behind.
 */

const signicade = fixturePath("hires", "signicade.JPG");
const box = { left: 2120, top: 675, width: 1060, height: 675 };
const otherBox = { left: 0, top: 1900, width: 1060, height: 675 };
const contrastFactor = 1.6;
const cropAndEnhance = [
  "from PIL import ImageEnhance",
  `crop = image_1.crop((${box.left}, ${box.top}, ${box.left + box.width}, ${box.top + box.height}))`,
  `enhanced = ImageEnhance.Contrast(crop).enhance(${contrastFactor})`,
  'print("enhanced crop", enhanced.size)',
].join("\n");
const printed = `enhanced crop (${box.width}, ${box.height})`;

const servers: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function server(script: Parameters<typeof startModelServer>[0]) {
  const started = await startModelServer(script);
  servers.push(started);
  return started;
}

/** Every piece of text the model was sent in one request, in order. */
function requestText(request: RecordedRequest): string {
  const messages = request.body.messages as { content: unknown }[];
  return messages
    .flatMap((message) =>
      typeof message.content === "string"
        ? [message.content]
        : Array.isArray(message.content)
          ? (message.content as { type: string; text?: string }[]).map((part) => part.text ?? "")
          : [],
    )
    .join("\n");
}

/**
 * The box of the photo with PIL's ImageEnhance.Contrast applied: each channel moves away from the
 * crop's mean grey level (ITU-R 601 luma, rounded) by `factor`. Encoded as PNG for comparisons.
 */
async function enhancedRegion(factor: number): Promise<Buffer> {
  const { data, info } = await sharp(signicade)
    .extract(box)
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  let lumaTotal = 0;
  for (let index = 0; index < data.length; index += 3)
    lumaTotal += (data[index]! * 19595 + data[index + 1]! * 38470 + data[index + 2]! * 7471 + 0x8000) >> 16;
  const mean = Math.floor(lumaTotal / (data.length / 3) + 0.5);
  const out = Buffer.alloc(data.length);
  for (let index = 0; index < data.length; index++)
    out[index] = Math.min(255, Math.max(0, Math.trunc(mean + factor * (data[index]! - mean))));
  return sharp(out, { raw: { width: info.width, height: info.height, channels: 3 } })
    .png()
    .toBuffer();
}

/** Sandbox work folders in the temp folder (each named loupe-sandbox-<host pid>-...). */
function sandboxFolders(): Set<string> {
  return new Set(readdirSync(tmpdir()).filter((name) => name.startsWith("loupe-sandbox-")));
}

/** Whether the host that made a sandbox folder has ended (other tests' hosts are still running). */
function madeByEndedProcess(folder: string): boolean {
  const pid = Number(folder.split("-")[2]);
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ESRCH";
  }
}

async function askWithPython(dialect: string, modelBaseUrl: string, out: string, extra: string[] = []) {
  const before = sandboxFolders();
  const result = await runCli([
    "ask",
    "-i",
    signicade,
    "--base-url",
    modelBaseUrl,
    "--model",
    "test-model",
    "--dialect",
    dialect,
    "--tools",
    "python",
    "--out",
    out,
    ...extra,
    "What does the sign in the middle say?",
  ]);
  // The CLI must end by itself right after answering: a warm sandbox left running would keep it
  // alive until runCli's timeout kills it (signal set), and a leftover work folder means a leak.
  expect(result.signal, result.stderr).toBeNull();
  expect(result.code, result.stderr).toBe(0);
  const leftovers = [...sandboxFolders()].filter((name) => !before.has(name) && madeByEndedProcess(name));
  expect(leftovers).toEqual([]);
  return result;
}

/** Checks that the image the model was shown is the enhanced crop and not something else. */
async function expectEnhancedCrop(seen: Buffer): Promise<void> {
  const { width = 0, height = 0 } = await sharp(seen).metadata();
  expect(width / height).toBeCloseTo(box.width / box.height, 1);
  const expected = await enhancedRegion(contrastFactor);
  const whole = { left: 0, top: 0, width: box.width, height: box.height };
  const toExpected = await regionDifference(seen, expected, whole);
  const toUnenhanced = await regionDifference(seen, signicade, box);
  const toElsewhere = await regionDifference(seen, signicade, otherBox);
  expect(toExpected).toBeLessThan(4);
  // The enhancement really happened, and the crop is of the right place.
  expect(toUnenhanced).toBeGreaterThan(toExpected + 3);
  expect(toElsewhere).toBeGreaterThan(toExpected * 4 + 20);
}

async function expectPythonRecorded(out: string, expectedMime: string) {
  const trajectory = JSON.parse(await readFile(join(out, "trajectory.json"), "utf8"));
  expect(trajectory.stopReason).toBe("answer");
  expect(trajectory.config.tools).toEqual(["python"]);
  const action = trajectory.steps[0].actions[0];
  expect(action).toMatchObject({ tool: "python" });
  expect(action.arguments.code).toContain("ImageEnhance.Contrast");
  expect(trajectory.steps[0].observations[0]).toMatchObject({ tool: "python", isError: false });
  expect(trajectory.images).toHaveLength(2);
  const produced = trajectory.images[1];
  expect(produced).toMatchObject({ mime: expectedMime, width: box.width, height: box.height });
  expect(produced.provenance).toMatchObject({
    kind: "tool",
    tool: "python",
    operation: "python",
    parent: trajectory.images[0].id,
    callId: action.id,
  });
  expect(produced.provenance.parameters.code).toContain("image_1.crop");
  expect(trajectory.steps[0].observations[0].images).toEqual([produced.id]);
  return trajectory;
}

describe.skipIf(!hasFixtures || sandboxMissing !== undefined)(
  "loupe ask with Python (end to end, real sandbox)",
  () => {
    it("a run with Python that answers without it ends at once, its warm sandbox killed", async () => {
      const model = await server([
        { content: "<think>The sign is clear enough.</think>\n<answer>SIGNICADE</answer>" },
      ]);
      const out = await mkdtemp(join(tmpdir(), "loupe-e2e-python-"));
      // The run starts a Python session in the background; askWithPython checks that the CLI
      // still ends by itself and leaves nothing behind.
      const result = await askWithPython("deepeyes-v2", model.baseUrl, out);
      expect(result.stdout.trim()).toBe("SIGNICADE");
    });

    it("DeepEyesV2: <code> crops and enhances, plt.show() returns it, the observation is a code execution result", async () => {
      const code = [
        cropAndEnhance,
        "import matplotlib.pyplot as plt",
        // figimage puts the pixels on the canvas 1:1, so the figure is exactly the enhanced crop.
        "figure = plt.figure(figsize=(enhanced.width / 100, enhanced.height / 100), dpi=100)",
        "figure.figimage(enhanced)",
        "plt.show()",
      ].join("\n");
      const model = await server([
        {
          content: `<think>The sign is small and low in contrast; crop it and raise the contrast.</think>\n<code>\n\`\`\`python\n${code}\n\`\`\`\n</code>`,
        },
        { content: "<think>The enhanced crop is readable.</think>\n<answer>SIGNICADE</answer>" },
      ]);
      const out = await mkdtemp(join(tmpdir(), "loupe-e2e-python-"));
      // The RL profile gives code the full-size original as image_1, so the box is in its pixels.
      const result = await askWithPython("deepeyes-v2", model.baseUrl, out, ["--profile", "deepeyes-v2-rl"]);
      expect(result.stdout.trim()).toBe("SIGNICADE");
      expect(model.requests).toHaveLength(2);

      const observation = requestText(model.requests[1]!);
      // stdout as printed: its newline leaves a blank line before the fence, as upstream shows it.
      expect(observation).toContain(`Code execution result:\nstdout:\n\`\`\`\n${printed}\n\n\`\`\``);
      expect(observation).toContain("stderr:");
      const [seen] = lastRequestImages(model.requests[1]!.body);
      expect(seen).toBeDefined();
      await expectEnhancedCrop(seen!);
      // Figures are lines and text: PNG, whatever the source photo was.
      await expectPythonRecorded(out, "image/png");
    });

    it("Skywork-R1V4: a code tool call shows the enhanced crop, the observation is {result, type: code}", async () => {
      const code = `${cropAndEnhance}\nshow(enhanced)`;
      const model = await server([
        {
          content: `<think>Zoom into the sign and boost its contrast.</think>\n<tool_call>${JSON.stringify({ name: "code", arguments: { code } })}</tool_call>`,
        },
        { content: "<think>Now it is legible.</think>\n<answer>SIGNICADE</answer>" },
      ]);
      const out = await mkdtemp(join(tmpdir(), "loupe-e2e-python-"));
      const result = await askWithPython("skywork-r1v4", model.baseUrl, out);
      expect(result.stdout.trim()).toBe("SIGNICADE");
      expect(model.requests).toHaveLength(2);

      const text = requestText(model.requests[1]!);
      // The JSON value is written on one line right after the opening tag; sub-images follow it.
      const observation = /<observation>\n(.*)/.exec(text)?.[1];
      expect(observation, text).toBeDefined();
      const value = JSON.parse(observation!);
      expect(value).toMatchObject({ type: "code" });
      expect(value.result).toContain(printed);
      const [seen] = lastRequestImages(model.requests[1]!.body);
      expect(seen).toBeDefined();
      await expectEnhancedCrop(seen!);
      // A crop of a JPEG photo is encoded as the crop tool encodes one.
      await expectPythonRecorded(out, "image/jpeg");
    });
  },
);
