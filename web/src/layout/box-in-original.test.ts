import { describe, expect, it } from "vitest";
import type { ImageRecord } from "../data/run-data.js";
import { placeInOriginal } from "./box-in-original.js";
import { boxOnScreen } from "./box-on-screen.js";

const input: ImageRecord = {
  id: "in",
  label: "image_1",
  mime: "image/png",
  width: 640,
  height: 480,
  byteLength: 1,
  provenance: { kind: "input", source: "photo.png" },
};

function derived(
  id: string,
  parent: string,
  operation: string,
  parameters: Record<string, unknown>,
  size: [number, number],
): ImageRecord {
  return {
    id,
    label: id,
    mime: "image/png",
    width: size[0],
    height: size[1],
    byteLength: 1,
    provenance: { kind: "tool", tool: operation, operation, parameters, parent, callId: "c", step: 1 },
  };
}

describe("placeInOriginal: where a derived image lies in the original", () => {
  it("a crop lies at its pixel box, whatever it was zoomed to", () => {
    const crop = derived("a", "in", "crop", { pixelBox: [0, 0, 320, 240] }, [683, 512]);
    expect(placeInOriginal([input, crop], "a")).toEqual({ root: "in", box: [0, 0, 320, 240] });
  });

  it("a crop of a zoomed crop composes both offsets and scales", () => {
    const first = derived("a", "in", "crop", { pixelBox: [100, 50, 420, 290] }, [640, 480]);
    const second = derived("b", "a", "crop", { pixelBox: [160, 120, 480, 360] }, [640, 480]);
    // [160, 120, 480, 360] of a 2x zoom of [100, 50, ...] is [180, 110, 340, 230] in the original.
    expect(placeInOriginal([input, first, second], "b")).toEqual({ root: "in", box: [180, 110, 340, 230] });
  });

  it("goes through resize, flip, quarter turns and enhance", () => {
    const resized = derived("r", "in", "resize", {}, [320, 240]);
    const crop = derived("c", "r", "crop", { pixelBox: [0, 0, 160, 120] }, [160, 120]);
    expect(placeInOriginal([input, resized, crop], "c")?.box).toEqual([0, 0, 320, 240]);
    const flipped = derived("f", "in", "flip", { axis: "horizontal" }, [640, 480]);
    const flippedCrop = derived("fc", "f", "crop", { pixelBox: [0, 0, 100, 100] }, [100, 100]);
    expect(placeInOriginal([input, flipped, flippedCrop], "fc")?.box).toEqual([540, 0, 640, 100]);
    const turned = derived("t", "in", "rotate", { degrees: 90 }, [480, 640]);
    const turnedCrop = derived("tc", "t", "crop", { pixelBox: [0, 0, 100, 50] }, [100, 50]);
    // Clockwise: the rotated image's top-left corner is the original's bottom-left.
    expect(placeInOriginal([input, turned, turnedCrop], "tc")?.box).toEqual([0, 380, 50, 480]);
    const enhanced = derived("e", "in", "enhance", { contrast: 1.5 }, [640, 480]);
    expect(placeInOriginal([input, enhanced], "e")?.box).toEqual([0, 0, 640, 480]);
  });

  it("is undefined for an input, an unknown operation, a missing parent or a cycle", () => {
    expect(placeInOriginal([input], "in")).toBeUndefined();
    const drawn = derived("d", "in", "python", {}, [10, 10]);
    expect(placeInOriginal([input, drawn], "d")).toBeUndefined();
    const orphan = derived("o", "gone", "crop", { pixelBox: [0, 0, 1, 1] }, [1, 1]);
    expect(placeInOriginal([input, orphan], "o")).toBeUndefined();
    const x = derived("x", "y", "enhance", {}, [1, 1]);
    const y = derived("y", "x", "enhance", {}, [1, 1]);
    expect(placeInOriginal([x, y], "x")).toBeUndefined();
  });
});

describe("boxOnScreen: a pixel box as percentages of the drawn image", () => {
  it("scales with the image and clamps to it", () => {
    expect(boxOnScreen([0, 0, 320, 240], 640, 480)).toEqual({ left: 0, top: 0, width: 50, height: 50 });
    expect(boxOnScreen([-10, 240, 700, 480], 640, 480)).toEqual({ left: 0, top: 50, width: 100, height: 50 });
  });
});
