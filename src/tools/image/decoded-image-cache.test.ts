import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { imageConfigSchema } from "../../core/config.js";
import { DecodedImageCache, decodedImageCache, releaseDecodedImageCache } from "./decoded-image-cache.js";

const config = imageConfigSchema.parse({});

async function solidPng(width: number, height: number, colour: string): Promise<Uint8Array> {
  return new Uint8Array(
    await sharp({ create: { width, height, channels: 3, background: colour } })
      .png()
      .toBuffer(),
  );
}

describe("DecodedImageCache", () => {
  it("decodes once, shares pending decodes, and evicts the least recently used past its byte budget", async () => {
    // Each 100x100 RGB image decodes to 30,000 bytes; the budget holds two.
    const cache = new DecodedImageCache(60_000);
    const red = await solidPng(100, 100, "#ff0000");
    const green = await solidPng(100, 100, "#00ff00");
    const blue = await solidPng(100, 100, "#0000ff");
    const first = cache.get("red", red, config);
    expect(cache.get("red", red, config)).toBe(first);
    const decoded = await first;
    expect([decoded.width, decoded.height, decoded.channels]).toEqual([100, 100, 3]);
    expect([...decoded.data.subarray(0, 3)]).toEqual([255, 0, 0]);
    await cache.get("green", green, config);
    await cache.get("red", red, config); // red is now the most recently used
    await cache.get("blue", blue, config);
    expect([cache.has("red"), cache.has("green"), cache.has("blue")]).toEqual([true, false, true]);
    expect(cache.totalBytes).toBe(60_000);
  });

  it("forgets failed decodes and reports them as image-invalid", async () => {
    const cache = new DecodedImageCache();
    await expect(cache.get("broken", new Uint8Array([1, 2, 3]), config)).rejects.toMatchObject({
      code: "image-invalid",
    });
    expect(cache.has("broken")).toBe(false);
  });

  it("lives in the run's state and is released with it", () => {
    const state = new Map<string, unknown>();
    const cache = decodedImageCache(state);
    expect(decodedImageCache(state)).toBe(cache);
    releaseDecodedImageCache(state);
    expect(state.size).toBe(0);
    expect(decodedImageCache(state)).not.toBe(cache);
  });
});
