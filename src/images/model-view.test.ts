import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { fixturePath, hasFixtures } from "../../test/support/fixtures.js";
import { imageConfigSchema } from "../core/config.js";
import type { ImageProvenance } from "../core/images.js";
import { bytesSentToModel, encodeForModel, modelViewSize, smartResize, viewSizeSent } from "./model-view.js";
import { ViewCache } from "./view-cache.js";

const qwenDefaults = { factor: 28, minPixels: 4 * 28 * 28, maxPixels: 16384 * 28 * 28 };
const view = imageConfigSchema.parse({}).modelView;

describe("smartResize", () => {
  // Expected values computed with qwen_vl_utils' smart_resize formula in Python.
  it.each([
    [1080, 1920, 1092, 1932],
    [2700, 4240, 2688, 4228],
    [4320, 7680, 2688, 4760],
    [10, 10, 56, 56],
    [14, 42, 56, 112],
    // 70 / 28 = 2.5 rounds to 2 (Python rounds halves to even), giving 56 and then the minimum.
    [70, 70, 56, 56],
    [1000, 1000, 1008, 1008],
    [50, 3000, 56, 2996],
  ])("upstream defaults: %i x %i -> %i x %i", (height, width, expectedHeight, expectedWidth) => {
    expect(smartResize(height, width, qwenDefaults)).toEqual([expectedHeight, expectedWidth]);
  });

  it.each([
    [1080, 1920, 728, 1316],
    [2700, 4240, 784, 1232],
    [1000, 1000, 980, 980],
  ])(
    "Loupe's default 1280*28*28 budget: %i x %i -> %i x %i",
    (height, width, expectedHeight, expectedWidth) => {
      expect(smartResize(height, width, { ...qwenDefaults, maxPixels: 1280 * 28 * 28 })).toEqual([
        expectedHeight,
        expectedWidth,
      ]);
    },
  );

  it("refuses aspect ratios over 200 like upstream", () => {
    expect(() => smartResize(10, 2010, qwenDefaults)).toThrow(/aspect ratio over 200/);
  });

  it("sizes views by strategy", () => {
    expect(modelViewSize(4000, 3000, { ...view, strategy: "max-pixels", maxPixels: 1_200_000 })).toEqual({
      width: 1264,
      height: 948,
    });
    expect(modelViewSize(400, 300, { ...view, strategy: "max-pixels" })).toEqual({ width: 400, height: 300 });
    expect(modelViewSize(4000, 3000, { ...view, strategy: "original" })).toEqual({
      width: 4000,
      height: 3000,
    });
  });
});

describe("viewSizeSent", () => {
  const input: ImageProvenance = { kind: "input", source: "photo.jpg" };
  const produced: ImageProvenance = {
    kind: "tool",
    tool: "crop",
    operation: "crop",
    parameters: {},
    callId: "call_1",
    step: 1,
  };
  const image = (width: number, height: number, provenance: ImageProvenance, mime = "image/jpeg") => ({
    width,
    height,
    mime,
    provenance,
  });

  it("sizes inputs by the view's strategy, re-encoded unless plain and already that size", () => {
    expect(viewSizeSent(image(4240, 2700, input), view)).toEqual({
      width: 1232,
      height: 784,
      unchanged: false,
    });
    // An input off the factor grid is re-encoded at its smart-resize size, plain or not.
    expect(viewSizeSent({ ...image(1000, 800, input), plain: true }, view)).toEqual({
      width: 1008,
      height: 812,
      unchanged: false,
    });
    // On the grid and within [minPixels, maxPixels]: unchanged when plain, at the same size either way.
    expect(viewSizeSent({ ...image(1008, 812, input), plain: true }, view)).toEqual({
      width: 1008,
      height: 812,
      unchanged: true,
    });
    expect(viewSizeSent(image(1008, 812, input), view)).toEqual({
      width: 1008,
      height: 812,
      unchanged: false,
    });
    expect(viewSizeSent({ ...image(1008, 812, input, "image/gif"), plain: true }, view).unchanged).toBe(
      false,
    );
    // On the grid but under minPixels: scaled up.
    expect(viewSizeSent({ ...image(28, 28, input), plain: true }, view)).toEqual({
      width: 56,
      height: 56,
      unchanged: false,
    });
  });

  it("sends tool outputs within the pixel budget as they are, at their own size", () => {
    expect(viewSizeSent(image(1000, 800, produced), view)).toEqual({
      width: 1000,
      height: 800,
      unchanged: true,
    });
    expect(viewSizeSent(image(1000, 800, produced, "image/png"), view).unchanged).toBe(true);
  });

  it("resizes tool outputs over or under the budget, or in formats servers may not take", () => {
    expect(viewSizeSent(image(4240, 2700, produced), view)).toEqual({
      width: 1232,
      height: 784,
      unchanged: false,
    });
    expect(viewSizeSent(image(20, 20, produced), view)).toEqual({ width: 56, height: 56, unchanged: false });
    expect(viewSizeSent(image(1000, 800, produced, "image/gif"), view)).toEqual({
      width: 1008,
      height: 812,
      unchanged: false,
    });
  });

  it("follows the other strategies", () => {
    const maxPixels = { ...view, strategy: "max-pixels" as const, maxPixels: 1_200_000 };
    expect(viewSizeSent(image(4000, 3000, produced), maxPixels)).toEqual({
      width: 1264,
      height: 948,
      unchanged: false,
    });
    expect(viewSizeSent(image(1000, 1000, produced), maxPixels).unchanged).toBe(true);
    const original = { ...view, strategy: "original" as const };
    expect(viewSizeSent(image(4240, 2700, input), original)).toEqual({
      width: 4240,
      height: 2700,
      unchanged: false,
    });
    expect(viewSizeSent(image(4240, 2700, produced), original).unchanged).toBe(true);
    expect(viewSizeSent({ ...image(4240, 2700, input), plain: true }, original).unchanged).toBe(true);
    expect(viewSizeSent({ ...image(1000, 1000, input), plain: true }, maxPixels).unchanged).toBe(true);
    expect(viewSizeSent({ ...image(4000, 3000, input), plain: true }, maxPixels)).toEqual({
      width: 1264,
      height: 948,
      unchanged: false,
    });
  });

  it("agrees with the size encodeForModel gives", async () => {
    for (const [width, height] of [
      [1000, 800],
      [30, 17],
      [3000, 500],
    ] as const) {
      const bytes = await sharp({ create: { width, height, channels: 3, background: "#808080" } })
        .png()
        .toBuffer();
      const encoded = await encodeForModel(bytes, view);
      const expected = viewSizeSent(image(width, height, input, "image/png"), view);
      expect([encoded.width, encoded.height]).toEqual([expected.width, expected.height]);
    }
  });
});

describe("encodeForModel", () => {
  it("turns photos stored sideways upright before sizing them", async () => {
    const sideways = await sharp({ create: { width: 560, height: 280, channels: 3, background: "#00ff00" } })
      .jpeg()
      .withMetadata({ orientation: 6 })
      .toBuffer();
    const encoded = await encodeForModel(sideways, view);
    expect([encoded.width, encoded.height, encoded.mime]).toEqual([280, 560, "image/jpeg"]);
    const metadata = await sharp(encoded.bytes).metadata();
    expect([metadata.width, metadata.height, metadata.orientation]).toEqual([280, 560, undefined]);
  });

  it("passes upright originals through untouched and encodes PNG views when asked", async () => {
    const png = new Uint8Array(
      await sharp({ create: { width: 100, height: 50, channels: 4, background: "#ff000080" } })
        .png()
        .toBuffer(),
    );
    const original = await encodeForModel(png, { ...view, strategy: "original" });
    expect(original.bytes).toBe(png);
    expect(original.mime).toBe("image/png");
    const asPng = await encodeForModel(png, { ...view, format: "png" });
    expect([asPng.width, asPng.height, asPng.mime]).toEqual([112, 56, "image/png"]);
    await expect(encodeForModel(new Uint8Array([1, 2, 3]), view)).rejects.toMatchObject({
      code: "image-invalid",
    });
  });

  it.skipIf(!hasFixtures)("shrinks a 4240x2700 photo to its smart-resize size", async () => {
    const { readFile } = await import("node:fs/promises");
    const bytes = new Uint8Array(await readFile(fixturePath("hires", "signicade.JPG")));
    const encoded = await encodeForModel(bytes, view);
    expect([encoded.width, encoded.height]).toEqual([1232, 784]);
    const metadata = await sharp(encoded.bytes).metadata();
    expect([metadata.format, metadata.width, metadata.height]).toEqual(["jpeg", 1232, 784]);
  });
});

describe("bytesSentToModel", () => {
  const input: ImageProvenance = { kind: "input", source: "photo.jpg" };
  const noiseJpeg = async (width: number, height: number, orientation?: number) => {
    const pixels = Buffer.alloc(width * height * 3);
    for (let offset = 0; offset < pixels.length; offset++)
      pixels[offset] = (offset * 7 + (offset >> 8)) & 255;
    let pipeline = sharp(pixels, { raw: { width, height, channels: 3 } }).jpeg({ quality: 70 });
    if (orientation !== undefined) pipeline = pipeline.withMetadata({ orientation });
    return new Uint8Array(await pipeline.toBuffer());
  };
  const refOf = (bytes: Uint8Array, width: number, height: number) => ({
    id: `${bytes.byteLength}-${width}x${height}`,
    width,
    height,
    mime: "image/jpeg",
    provenance: input,
  });

  it("sends a plain input already at its view size as it is, not re-encoded bigger", async () => {
    const bytes = await noiseJpeg(1008, 812);
    const sent = await bytesSentToModel(refOf(bytes, 1008, 812), bytes, view, new ViewCache());
    expect(sent).toEqual({ bytes, mime: "image/jpeg" });
  });

  it("re-encodes an input stored sideways, or off the grid, at the size viewSizeSent names", async () => {
    const sideways = await noiseJpeg(812, 1008, 6);
    const upright = await bytesSentToModel(refOf(sideways, 1008, 812), sideways, view, new ViewCache());
    expect(upright.bytes).not.toBe(sideways);
    const turned = await sharp(upright.bytes).metadata();
    expect([turned.width, turned.height, turned.orientation]).toEqual([1008, 812, undefined]);
    const offGrid = await noiseJpeg(1000, 800);
    const resized = await sharp(
      (await bytesSentToModel(refOf(offGrid, 1000, 800), offGrid, view)).bytes,
    ).metadata();
    expect([resized.width, resized.height]).toEqual([1008, 812]);
  });

  it("encodes an image once per view, however many runs ask for it", async () => {
    const cache = new ViewCache();
    const bytes = await noiseJpeg(1000, 800);
    const ref = refOf(bytes, 1000, 800);
    const [first, second] = await Promise.all([
      bytesSentToModel(ref, bytes, view, cache),
      bytesSentToModel(ref, bytes, view, cache),
    ]);
    expect(second.bytes).toBe(first.bytes);
    expect(cache.totalBytes).toBe(first.bytes.byteLength);
    const asPng = await bytesSentToModel(ref, bytes, { ...view, format: "png" }, cache);
    expect(asPng.mime).toBe("image/png");
    expect(cache.totalBytes).toBe(first.bytes.byteLength + asPng.bytes.byteLength);
  });
});
