import sharp from "sharp";
import { beforeAll, describe, expect, it } from "vitest";
import { fixturePath, hasFixtures } from "../../../test/support/fixtures.js";
import { imageConfigSchema } from "../../core/config.js";
import type { ImageRef } from "../../core/images.js";
import type { ToolContext } from "../../core/tool.js";
import { loadInputImage } from "../../images/load-image.js";
import { encodeForModel } from "../../images/model-view.js";
import { boxInRoot } from "./box-in-root.js";
import { automaticZoom, cropArguments, cropTool } from "./crop.js";
import { decodedImageCache } from "./decoded-image-cache.js";
import { addInputImage, imageToolContext } from "./test-context.js";

const config = imageConfigSchema.parse({});
const crop = cropTool(config);

async function rawPixels(bytes: Uint8Array): Promise<Buffer> {
  return sharp(bytes).raw().toBuffer();
}

function runCrop(context: ToolContext, args: Record<string, unknown>) {
  return crop.execute(cropArguments.parse(args), context);
}

describe("automaticZoom", () => {
  it("enlarges small crops to a ~512 px shorter side, at most 4x, and never shrinks", () => {
    expect(automaticZoom(256, 400)).toBe(2);
    expect(automaticZoom(50, 50)).toBe(4);
    expect(automaticZoom(1000, 800)).toBe(1);
  });
});

describe.skipIf(!hasFixtures)("crop on a real photo", () => {
  let context: ToolContext;
  let original: ImageRef;

  beforeAll(async () => {
    const loaded = await loadInputImage(fixturePath("hires", "signicade.JPG"), config);
    context = imageToolContext();
    original = addInputImage(context, loaded.bytes, loaded.facts);
  });

  it("lossless PNG crops hold exactly the pixels sharp extracts from the original", async () => {
    // A PNG copy of the photo so the crop is encoded losslessly and compared pixel for pixel.
    const png = new Uint8Array(
      await sharp(context.images.bytes(original.id)).png({ compressionLevel: 1 }).toBuffer(),
    );
    const pngContext = imageToolContext();
    const source = addInputImage(pngContext, png, {
      mime: "image/png",
      width: original.width,
      height: original.height,
    });
    const result = await runCrop(pngContext, { box: [1060, 675, 2120, 1350], scale: 1 });
    const produced = result.images[0]!;
    expect(produced.mime).toBe("image/png");
    expect([produced.width, produced.height]).toEqual([1060, 675]);
    const expected = await sharp(png)
      .extract({ left: 1060, top: 675, width: 1060, height: 675 })
      .raw()
      .toBuffer();
    expect((await rawPixels(pngContext.images.bytes(produced.id))).equals(expected)).toBe(true);
    expect(produced.provenance).toMatchObject({ kind: "tool", operation: "crop", parent: source.id });
    expect(result.text).toBe(
      `Cropped image_1 [1060, 675, 2120, 1350] (pixel) -> ${produced.label}, 1060x675.`,
    );

    // The same region named in fractions and in Qwen's 0..1000 gives the very same image.
    const inFractions = await runCrop(pngContext, {
      box: [0.25, 0.25, 0.5, 0.5],
      coordinates: "fraction",
      scale: 1,
    });
    const inQwen = await runCrop(pngContext, {
      box: [250, 250, 500, 500],
      coordinates: "qwen1000",
      scale: 1,
    });
    expect(inFractions.images[0]!.id).toBe(produced.id);
    expect(inQwen.images[0]!.id).toBe(produced.id);
    expect(inQwen.text).toContain("(qwen1000) = pixels [1060, 675, 2120, 1350]");
  });

  it("JPEG crops are JPEG at quality 92 and close to sharp's own extract", async () => {
    const result = await runCrop(context, { box: [400, 300, 1400, 900], scale: 1, label: "sign" });
    const produced = result.images[0]!;
    expect(produced.mime).toBe("image/jpeg");
    expect([produced.width, produced.height]).toEqual([1000, 600]);
    const expected = await sharp(context.images.bytes(original.id))
      .extract({ left: 400, top: 300, width: 1000, height: 600 })
      .raw()
      .toBuffer();
    const actual = await rawPixels(context.images.bytes(produced.id));
    let totalDifference = 0;
    for (let index = 0; index < expected.length; index++)
      totalDifference += Math.abs(expected[index]! - actual[index]!);
    expect(totalDifference / expected.length).toBeLessThan(3);
    expect(produced.provenance.kind === "tool" && produced.provenance.parameters.label).toBe("sign");
  });

  it("zooms small crops and keeps the decoded original in the run's cache", async () => {
    const result = await runCrop(context, { box: [2000, 1000, 2100, 1064] });
    expect([result.images[0]!.width, result.images[0]!.height]).toEqual([400, 256]);
    expect(result.text).toContain("(zoomed 4x)");
    expect(decodedImageCache(context.state).has(original.id)).toBe(true);
  });

  it("traces nested crops back to the original image", async () => {
    const first = (await runCrop(context, { box: [1000, 500, 3000, 1500], scale: 1 })).images[0]!;
    // The first crop zoomed 2x: its pixel 200 is the original's 1000 + 200 / 2.
    const zoomed = (await runCrop(context, { image: first.label, box: [0, 0, 1000, 1000], scale: 2 }))
      .images[0]!;
    expect([zoomed.width, zoomed.height]).toEqual([2000, 2000]);
    const nestedResult = await runCrop(context, {
      image: zoomed.label,
      box: [200, 400, 600, 1000],
      scale: 1,
    });
    const nested = nestedResult.images[0]!;
    expect(nested.provenance.kind === "tool" && nested.provenance.parameters).toMatchObject({
      pixelBox: [200, 400, 600, 1000],
      originalBox: [1100, 700, 1300, 1000],
      root: original.id,
    });
    expect(nestedResult.text).toContain(`in ${original.label} this is [1100, 700, 1300, 1000]`);
    expect(boxInRoot(context.images, nested.id, [0, 0, 400, 600])).toEqual({
      root: original.id,
      box: [1100, 700, 1300, 1000],
    });
  });

  it("maps view boxes (pixels of the image as the model saw it) back to the full-size photo", async () => {
    // The 4240x2700 photo is sent at 1232x784: a Qwen2.5-VL box on that view is 3.44x smaller.
    const inView = await runCrop(context, { box: [308, 196, 616, 392], coordinates: "view", scale: 1 });
    const inPixels = await runCrop(context, { box: [1060, 675, 2120, 1350], scale: 1 });
    expect(inView.images[0]!.id).toBe(inPixels.images[0]!.id);
    expect(inView.text).toContain("[308, 196, 616, 392] (view of 1232x784) = pixels [1060, 675, 2120, 1350]");
    expect(inView.images[0]!.provenance).toMatchObject({
      parameters: { coordinates: "view", viewSize: [1232, 784], pixelBox: [1060, 675, 2120, 1350] },
    });

    // What the crop holds is what the model saw inside that box of its view, at full resolution.
    const shown = await encodeForModel(context.images.bytes(original.id), config.modelView);
    const seenRegion = await sharp(shown.bytes)
      .extract({ left: 308, top: 196, width: 308, height: 196 })
      .raw()
      .toBuffer();
    const meanDifferenceFromSeen = async (crop: ImageRef) => {
      const shrunk = await sharp(context.images.bytes(crop.id))
        .resize(308, 196, { fit: "fill" })
        .raw()
        .toBuffer();
      let total = 0;
      for (let index = 0; index < seenRegion.length; index++)
        total += Math.abs(seenRegion[index]! - shrunk[index]!);
      return total / seenRegion.length;
    };
    expect(await meanDifferenceFromSeen(inView.images[0]!)).toBeLessThan(6);
    // Read as full-size pixels, the same numbers would have cut out a different part of the photo.
    const misread = await runCrop(context, { box: [308, 196, 616, 392], scale: 1 });
    expect(await meanDifferenceFromSeen(misread.images[0]!)).toBeGreaterThan(20);
  });

  it("reads view boxes on a crop that is sent as it is in that crop's own pixels", async () => {
    const first = (await runCrop(context, { box: [1000, 500, 2000, 1200], scale: 1 })).images[0]!;
    const nested = await runCrop(context, {
      image: first.label,
      box: [100, 100, 400, 300],
      coordinates: "view",
    });
    // Shown at its own size, the crop's view coordinates are its pixels: nothing to convert.
    expect(nested.text).toMatch(/^Cropped image_\d+ \[100, 100, 400, 300\] \(view of 1000x700\) -> /);
    expect(nested.images[0]!.provenance).toMatchObject({ parameters: { pixelBox: [100, 100, 400, 300] } });
    expect(nested.text).toContain("in image_1 this is [1100, 600, 1400, 800]");
  });

  it("reports bad boxes as tool-input errors naming the box", async () => {
    await expect(runCrop(context, { box: [5000, 3000, 6000, 4000] })).rejects.toThrow(
      /outside the 4240x2700 image/,
    );
  });
});

describe("EXIF orientation", () => {
  it("crops in the upright picture the model saw, not the sideways stored pixels", async () => {
    // Stored 80x40 with red on the left; orientation 6 shows it turned clockwise, red on top.
    const stored = await sharp({
      create: { width: 80, height: 40, channels: 3, background: "#0000ff" },
    })
      .composite([
        { input: { create: { width: 40, height: 40, channels: 3, background: "#ff0000" } }, left: 0, top: 0 },
      ])
      .jpeg({ quality: 100 })
      .withMetadata({ orientation: 6 })
      .toBuffer();
    const loadedFacts = { mime: "image/jpeg", width: 40, height: 80 };
    const context = imageToolContext();
    addInputImage(context, new Uint8Array(stored), loadedFacts);
    const top = (await runCrop(context, { box: [0, 0, 40, 40], scale: 1 })).images[0]!;
    const stats = await sharp(context.images.bytes(top.id)).stats();
    expect([top.width, top.height]).toEqual([40, 40]);
    expect(stats.channels[0]!.mean).toBeGreaterThan(200);
    expect(stats.channels[2]!.mean).toBeLessThan(60);
  });
});
