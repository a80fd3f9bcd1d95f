import { describe, expect, it } from "vitest";
import { ImageSet } from "./image-set.js";

const facts = { mime: "image/png", width: 10, height: 20 };
const input = { kind: "input" as const, source: "test" };

describe("ImageSet", () => {
  it("labels images in order and deduplicates identical bytes", () => {
    const images = new ImageSet();
    const first = images.add(new Uint8Array([1, 2, 3]), facts, input);
    const second = images.add(new Uint8Array([4, 5]), facts, input);
    const again = images.add(new Uint8Array([1, 2, 3]), facts, input);
    expect(first.label).toBe("image_1");
    expect(second.label).toBe("image_2");
    expect(again).toBe(first);
    expect(images.size).toBe(2);
    expect(first.id).toMatch(/^[0-9a-f]{64}$/);
    expect([...images.bytes(second.id)]).toEqual([4, 5]);
  });

  it("resolves the names models use for images", () => {
    const images = new ImageSet();
    images.add(new Uint8Array([1]), facts, input);
    const second = images.add(new Uint8Array([2]), facts, input);
    for (const name of [
      "image_2",
      "image 2",
      "2",
      "<image_2>",
      "<sub-image 2>",
      "sub-image 2",
      "image_2.png",
      "/tmp/x/image_2.jpg",
      2,
    ]) {
      expect(images.resolve(name)).toBe(second);
    }
    expect(images.resolve(second.id.slice(0, 10))).toBe(second);
    expect(images.resolve(undefined).label).toBe("image_1");
  });

  it("names the known images when a reference is unknown", () => {
    const images = new ImageSet();
    images.add(new Uint8Array([1]), facts, input);
    expect(() => images.resolve("image_9")).toThrow(/No image named "image_9".*Known images: image_1/);
    expect(() => new ImageSet().resolve(undefined)).toThrow(/no images/);
  });
});
