import sharp from "sharp";
import { beforeAll, describe, expect, it } from "vitest";
import { fixturePath, hasFixtures } from "../../../test/support/fixtures.js";
import { imageConfigSchema } from "../../core/config.js";
import type { ImageRef } from "../../core/images.js";
import type { AnyTool, ToolContext } from "../../core/tool.js";
import { loadInputImage } from "../../images/load-image.js";
import { boxInRoot } from "./box-in-root.js";
import { applyGamma } from "./enhance.js";
import { imageTools } from "./index.js";
import { resizedSize } from "./resize.js";
import { normalizeDegrees, rotatedSize } from "./rotate.js";
import { addInputImage, imageToolContext } from "./test-context.js";

const config = imageConfigSchema.parse({});
const tools = new Map(imageTools(config).map((tool) => [tool.name, tool]));

function run(name: string, context: ToolContext, args: Record<string, unknown>) {
  const tool = tools.get(name) as AnyTool;
  return tool.execute(tool.parameters.parse(args), context);
}

async function raw(context: ToolContext, image: ImageRef): Promise<Buffer> {
  return sharp(context.images.bytes(image.id)).raw().toBuffer();
}

/** A 60x40 PNG with a distinct colour in each quadrant, so geometry can be checked exactly. */
async function quadrantsPng(): Promise<Uint8Array> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="60" height="40">
    <rect width="30" height="20" fill="#ff0000"/><rect x="30" width="30" height="20" fill="#00ff00"/>
    <rect y="20" width="30" height="20" fill="#0000ff"/><rect x="30" y="20" width="30" height="20" fill="#ffffff"/></svg>`;
  return new Uint8Array(await sharp(Buffer.from(svg)).removeAlpha().png().toBuffer());
}

async function pixelAt(context: ToolContext, image: ImageRef, x: number, y: number): Promise<number[]> {
  const { data, info } = await sharp(context.images.bytes(image.id))
    .raw()
    .toBuffer({ resolveWithObject: true });
  const offset = (y * info.width + x) * info.channels;
  return [...data.subarray(offset, offset + 3)];
}

describe("geometry helpers", () => {
  it("normalizes angles to clockwise turns and sizes rotated canvases", () => {
    expect(normalizeDegrees(-90)).toBe(270);
    expect(normalizeDegrees(450)).toBe(90);
    expect(rotatedSize(60, 40, 90)).toEqual({ width: 40, height: 60 });
    expect(rotatedSize(100, 100, 45)).toEqual({ width: 142, height: 142 });
  });

  it("computes resize targets and refuses empty or mixed requests", () => {
    expect(resizedSize(1000, 500, { width: 400 })).toEqual({ width: 400, height: 200 });
    expect(resizedSize(1000, 500, { scale: 0.5 })).toEqual({ width: 500, height: 250 });
    expect(resizedSize(1000, 500, { width: 10, height: 20 })).toEqual({ width: 10, height: 20 });
    expect(() => resizedSize(1000, 500, {})).toThrow(/needs a width, a height, or a scale/);
    expect(() => resizedSize(1000, 500, { scale: 2, width: 3 })).toThrow(/not both/);
  });

  it("applies gamma through a lookup table and leaves alpha alone", () => {
    const decoded = { data: Buffer.from([64, 64, 64, 128]), width: 1, height: 1, channels: 4 as const };
    expect([...applyGamma(decoded, 2).data]).toEqual([128, 128, 128, 128]);
  });
});

describe("rotate, flip and resize on exact pixels", () => {
  let context: ToolContext;
  let source: ImageRef;

  beforeAll(async () => {
    context = imageToolContext();
    source = addInputImage(context, await quadrantsPng(), { mime: "image/png", width: 60, height: 40 });
  });

  it("rotates clockwise by quarter turns without loss and maps boxes back", async () => {
    const result = await run("rotate", context, { degrees: 90 });
    const rotated = result.images[0]!;
    expect([rotated.width, rotated.height, rotated.mime]).toEqual([40, 60, "image/png"]);
    expect(result.text).toBe(`Rotated image_1 by 90 degrees clockwise -> ${rotated.label}, 40x60.`);
    // Clockwise: the red top-left quadrant is now top-right, blue bottom-left is top-left.
    expect(await pixelAt(context, rotated, 35, 5)).toEqual([255, 0, 0]);
    expect(await pixelAt(context, rotated, 5, 5)).toEqual([0, 0, 255]);
    const expected = await sharp(context.images.bytes(source.id)).rotate(90).raw().toBuffer();
    expect((await raw(context, rotated)).equals(expected)).toBe(true);
    // The red quadrant in the rotated image is [20, 0, 40, 30]; in the source it is [0, 0, 30, 20].
    expect(boxInRoot(context.images, rotated.id, [20, 0, 40, 30])).toEqual({
      root: source.id,
      box: [0, 0, 30, 20],
    });
    const counterClockwise = (await run("rotate", context, { degrees: -90 })).images[0]!;
    expect(await pixelAt(context, counterClockwise, 5, 55)).toEqual([255, 0, 0]);
    expect(boxInRoot(context.images, counterClockwise.id, [0, 30, 20, 60])).toEqual({
      root: source.id,
      box: [0, 0, 30, 20],
    });
  });

  it("rotates by any angle on an enlarged canvas filled with the background", async () => {
    const rotated = (await run("rotate", context, { degrees: 30, background: "#000000" })).images[0]!;
    expect(rotated.width).toBeGreaterThan(60);
    expect(rotated.height).toBeGreaterThan(40);
    expect(await pixelAt(context, rotated, 0, 0)).toEqual([0, 0, 0]);
    expect(boxInRoot(context.images, rotated.id, [0, 0, 10, 10])).toBeUndefined();
  });

  it("flips horizontally and vertically", async () => {
    const mirrored = (await run("flip", context, { axis: "horizontal" })).images[0]!;
    expect(await pixelAt(context, mirrored, 5, 5)).toEqual([0, 255, 0]);
    expect(boxInRoot(context.images, mirrored.id, [30, 0, 60, 20])).toEqual({
      root: source.id,
      box: [0, 0, 30, 20],
    });
    const upsideDown = await run("flip", context, { axis: "vertical" });
    expect(await pixelAt(context, upsideDown.images[0]!, 5, 5)).toEqual([0, 0, 255]);
    expect(upsideDown.text).toMatch(/^Flipped image_1 vertically -> image_\d+, 60x40\.$/);
  });

  it("resizes and maps boxes through the scale", async () => {
    const bigger = (await run("resize", context, { scale: 2 })).images[0]!;
    expect([bigger.width, bigger.height]).toEqual([120, 80]);
    expect(boxInRoot(context.images, bigger.id, [0, 0, 60, 40])).toEqual({
      root: source.id,
      box: [0, 0, 30, 20],
    });
    const narrow = (await run("resize", context, { width: 30 })).images[0]!;
    expect([narrow.width, narrow.height]).toEqual([30, 20]);
  });

  it("refuses results over the pixel limit before doing the work", async () => {
    const small = imageToolContext();
    addInputImage(small, await quadrantsPng(), { mime: "image/png", width: 60, height: 40 });
    const strict = new Map(imageTools({ ...config, maxInputPixels: 5000 }).map((tool) => [tool.name, tool]));
    const runStrict = (name: string, args: Record<string, unknown>) => {
      const tool = strict.get(name)!;
      return tool.execute(tool.parameters.parse(args), small);
    };
    await expect(runStrict("resize", { scale: 2 })).rejects.toMatchObject({
      code: "image-too-large",
      message: expect.stringMatching(/resize result is 120x80 = 9,600 pixels, over the limit of 5,000/),
    });
    // A crop's zoom and a rotation's larger canvas are held to the same limit as inputs.
    await expect(runStrict("crop", { box: [0, 0, 60, 40], scale: 2 })).rejects.toMatchObject({
      code: "image-too-large",
      message: expect.stringMatching(/crop result is 120x80 = 9,600 pixels/),
    });
    await expect(runStrict("rotate", { degrees: 45 })).rejects.toMatchObject({
      code: "image-too-large",
      message: expect.stringMatching(/rotate result is 71x71 = 5,041 pixels/),
    });
    expect(small.images.size).toBe(1);
  });
});

describe.skipIf(!hasFixtures)("enhance and annotate on a real photo", () => {
  let context: ToolContext;
  let photo: ImageRef;

  beforeAll(async () => {
    const loaded = await loadInputImage(fixturePath("hires", "nba.png"), config);
    context = imageToolContext();
    photo = addInputImage(context, loaded.bytes, loaded.facts);
  });

  it("produces same-size images that differ from the input for each adjustment", async () => {
    const before = await raw(context, photo);
    for (const adjustment of [
      { brightness: 1.4 },
      { contrast: 1.5 },
      { gamma: 1.8 },
      { sharpen: true },
      { denoise: 5 },
      { normalize: true },
      { equalize: true },
      { invert: true },
    ]) {
      const result = await run("enhance", context, adjustment);
      const produced = result.images[0]!;
      expect([produced.width, produced.height, produced.mime]).toEqual([
        photo.width,
        photo.height,
        "image/jpeg",
      ]);
      expect((await raw(context, produced)).equals(before), JSON.stringify(adjustment)).toBe(false);
      expect(produced.provenance.kind === "tool" && produced.provenance.parameters).toEqual(adjustment);
    }
    const gray = (await run("enhance", context, { grayscale: true, contrast: 1.2 })).images[0]!;
    const grayPixels = await raw(context, gray);
    let colourfulPixels = 0;
    for (let index = 0; index < grayPixels.length; index += 3) {
      if (grayPixels[index] !== grayPixels[index + 1] || grayPixels[index] !== grayPixels[index + 2])
        colourfulPixels++;
    }
    expect(colourfulPixels).toBe(0);
    await expect(run("enhance", context, { brightness: 1 })).rejects.toThrow(/at least one adjustment/);
  });

  it("draws boxes and points: pixels on a box edge change, pixels far away do not", async () => {
    const result = await run("annotate", context, {
      boxes: [{ box: [100, 100, 500, 400], label: "player <1>", color: "#00ff00" }],
      points: [{ x: 800, y: 600, label: "ball" }],
    });
    const annotated = result.images[0]!;
    expect(result.text).toBe(`Annotated image_1 with 1 box and 1 point -> ${annotated.label}, 1119x840.`);
    const [red, green, blue] = await pixelAt(context, annotated, 300, 101);
    expect(green).toBeGreaterThan(200);
    expect(red! + blue!).toBeLessThan(120);
    // Far from every mark the photo is unchanged (up to JPEG re-encoding noise).
    const original = await pixelAt(context, photo, 1000, 150);
    const after = await pixelAt(context, annotated, 1000, 150);
    for (let channel = 0; channel < 3; channel++)
      expect(Math.abs(original[channel]! - after[channel]!)).toBeLessThan(12);
    // Colours reach the SVG overlay, so anything but a colour is refused by the schema.
    expect(() =>
      run("annotate", context, { boxes: [{ box: [1, 1, 5, 5], color: 'red" onload="x' }] }),
    ).toThrow(/a colour such as/);
  });
});

describe("annotate in view coordinates", () => {
  it("maps boxes and points on the view the model was sent to pixels of the full-size image", async () => {
    const context = imageToolContext();
    const bytes = await sharp({ create: { width: 2000, height: 1000, channels: 3, background: "#336699" } })
      .png()
      .toBuffer();
    addInputImage(context, new Uint8Array(bytes), { mime: "image/png", width: 2000, height: 1000 });
    // 2000x1000 is over the default budget of 1280*28*28 pixels and is sent at 1400x700.
    const result = await run("annotate", context, {
      coordinates: "view",
      boxes: [{ box: [70, 70, 350, 280] }],
      points: [{ x: 700, y: 350 }],
    });
    expect(result.images[0]!.provenance).toMatchObject({
      parameters: { boxes: [{ box: [100, 100, 500, 400] }], points: [{ x: 1000, y: 500 }] },
    });
  });
});
