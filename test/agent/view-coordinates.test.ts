import { readFile } from "node:fs/promises";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { runAgent } from "../../src/agent/run-agent.js";
import { loupeConfigSchema } from "../../src/core/config.js";
import type { AnyTool } from "../../src/core/tool.js";
import { withProfile } from "../../src/dialects/profiles.js";
import { getDialect } from "../../src/dialects/registry.js";
import { readImageFacts } from "../../src/images/load-image.js";
import { ChatClient } from "../../src/models/chat-client.js";
import { sandboxMissing } from "../../src/sandbox/sandbox-test-support.js";
import { imageTools } from "../../src/tools/image/index.js";
import { pythonTool } from "../../src/tools/python/index.js";
import { lastRequestImages, regionDifference } from "../support/decode-image-parts.js";
import { fixturePath, hasFixtures } from "../support/fixtures.js";
import type { ModelScript, RecordedRequest } from "../support/model-server.js";
import { modelServer } from "./agent-harness.js";

/**
 * Issue 7's acceptance: on the 4240x2700 hires photo, a box the model writes in the coordinate
 * space its profile names lands, on the original, on the region it covers in the image the model
 * was sent — at the profile's view size and at two others. The view size is read from the image
 * bytes the model server received, so the mapping is checked against what was really sent.
 */
const photo = fixturePath("hires", "signicade.JPG");
const original = { width: 4240, height: 2700 };
/** What the scripted model points at, as fractions of the picture: the sign in the middle. */
const target = { left: 0.42, top: 0.3, right: 0.62, bottom: 0.52 };
/** Qwen2.5-VL's upstream maximum (the DeepEyes profiles), Loupe's default, and a small view. */
const viewBudgets = [16384 * 28 * 28, 1280 * 28 * 28, 256 * 28 * 28];

type Box = [number, number, number, number];
type Size = { width: number; height: number };

async function inputImage() {
  const bytes = new Uint8Array(await readFile(photo));
  const config = loupeConfigSchema.parse({ model: { baseUrl: "http://127.0.0.1:1/v1", name: "m" } });
  return { bytes, facts: await readImageFacts(bytes, config.images, photo), source: photo };
}

/** The size of the first image in a request: the input photo as the model was shown it. */
async function sentSize(request: RecordedRequest): Promise<Size> {
  const [sent] = lastRequestImages(request.body);
  const { width = 0, height = 0 } = await sharp(sent!).metadata();
  return { width, height };
}

/** The target in whole units of a `space`-sized coordinate space. */
function targetIn(space: Size): Box {
  return [
    Math.round(target.left * space.width),
    Math.round(target.top * space.height),
    Math.round(target.right * space.width),
    Math.round(target.bottom * space.height),
  ];
}

/** The region of the original that a box in a `space`-sized coordinate space covers. */
function onOriginal(box: Box, space: Size) {
  const [x1, y1, x2, y2] = box;
  const [scaleX, scaleY] = [original.width / space.width, original.height / space.height];
  const left = Math.floor(x1 * scaleX);
  const top = Math.floor(y1 * scaleY);
  return { left, top, width: Math.ceil(x2 * scaleX) - left, height: Math.ceil(y2 * scaleY) - top };
}

/** Runs one question under a profile and a view budget; the script sees each request. */
async function runProfile(profile: string, maxPixels: number, script: ModelScript, tools: AnyTool[]) {
  const server = await modelServer(script);
  const config = loupeConfigSchema.parse(
    withProfile({
      profile,
      model: { baseUrl: server.baseUrl, name: "test-model", maxRetries: 0 },
      images: { modelView: { maxPixels } },
    }),
  );
  const result = await runAgent({
    question: "What does the sign in the middle say?",
    images: [await inputImage()],
    config,
    model: new ChatClient(config.model),
    dialect: getDialect(config.dialect, { options: config.dialectOptions }),
    tools,
  });
  return { server, result, config };
}

/** The mean difference between what the model was shown last and a region of the original. */
async function shownVersus(server: { requests: RecordedRequest[] }, region: ReturnType<typeof onOriginal>) {
  const [shown] = lastRequestImages(server.requests[1]!.body);
  return regionDifference(shown!, photo, region);
}

describe.skipIf(!hasFixtures)("boxes land where the model pointed, whatever the view size", () => {
  describe.each(viewBudgets)("view of at most %i pixels", (maxPixels) => {
    it("DeepEyes: bbox_2d in pixels of the view crops that region of the original", async () => {
      let view: Size | undefined;
      let box: Box | undefined;
      const { server, result } = await runProfile(
        "deepeyes",
        maxPixels,
        async (request, index) => {
          if (index > 0) return { content: "<think>Readable.</think><answer>SIGNICADE</answer>" };
          view = await sentSize(request);
          box = targetIn(view);
          const call = { name: "image_zoom_in_tool", arguments: { bbox_2d: box, label: "sign" } };
          return { content: `<think>Zoom in.</think>\n<tool_call>${JSON.stringify(call)}</tool_call>` };
        },
        imageTools(loupeConfigSchema.parse({ model: { baseUrl: "http://x/v1", name: "m" } }).images),
      );
      expect(result.trajectory.answer).toBe("SIGNICADE");
      expect(view!.width).toBeLessThanOrEqual(original.width);
      const meant = await shownVersus(server, onOriginal(box!, view!));
      expect(meant).toBeLessThan(8);
      // Read as pixels of the original, the same numbers would be somewhere else entirely.
      if (view!.width < original.width * 0.9) {
        const naive = await shownVersus(server, onOriginal(box!, original));
        expect(naive).toBeGreaterThan(meant + 10);
      }
    });

    it("Qwen3-VL: a native crop in 0..1000 crops that region of the original", async () => {
      let box: Box | undefined;
      const { server } = await runProfile(
        "qwen3-vl",
        maxPixels,
        (_request, index) => {
          if (index > 0) return { content: "SIGNICADE" };
          box = targetIn({ width: 1000, height: 1000 });
          return { toolCalls: [{ name: "crop", arguments: { box } }] };
        },
        imageTools(loupeConfigSchema.parse({ model: { baseUrl: "http://x/v1", name: "m" } }).images),
      );
      expect(await shownVersus(server, onOriginal(box!, { width: 1000, height: 1000 }))).toBeLessThan(8);
    });

    it.skipIf(sandboxMissing !== undefined)(
      "DeepEyesV2: image_1 in Python is the image the model saw; its crop is that region",
      async () => {
        let view: Size | undefined;
        let box: Box | undefined;
        const tool = pythonTool();
        const { server, result } = await runProfile(
          "deepeyes-v2",
          maxPixels,
          async (request, index) => {
            if (index > 0) return { content: "<think>Readable.</think><answer>SIGNICADE</answer>" };
            view = await sentSize(request);
            box = targetIn(view);
            const code = `print(image_1.size, image_1_original.size)\nshow(image_1.crop((${box.join(", ")})))`;
            return { content: `<think>Crop it.</think>\n<code>\n\`\`\`python\n${code}\n\`\`\`\n</code>` };
          },
          [tool],
        );
        expect(result.trajectory.answer).toBe("SIGNICADE");
        const observation = result.trajectory.steps[0]!.observations[0]!;
        expect(observation.text).toContain(`(${view!.width}, ${view!.height}) (4240, 2700)`);
        expect(await shownVersus(server, onOriginal(box!, view!))).toBeLessThan(8);
      },
    );
  });
});
