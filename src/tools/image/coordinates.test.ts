import { describe, expect, it } from "vitest";
import { LoupeError } from "../../core/errors.js";
import { minimumBoxSide, toPixelBox, toPixelPoint } from "./coordinates.js";

describe("toPixelBox", () => {
  it("keeps pixel boxes inside the image as they are", () => {
    expect(toPixelBox([100, 200, 500, 400], "pixel", 1000, 800)).toEqual([100, 200, 500, 400]);
  });

  it("maps fractions and Qwen's 0..1000 integers to pixels of the image", () => {
    expect(toPixelBox([0.1, 0.25, 0.5, 0.75], "fraction", 4240, 2700)).toEqual([424, 675, 2120, 2025]);
    expect(toPixelBox([100, 250, 500, 750], "qwen1000", 4240, 2700)).toEqual([424, 675, 2120, 2025]);
  });

  it("puts swapped corners right and clamps to the image", () => {
    expect(toPixelBox([500, 400, 100, 200], "pixel", 1000, 800)).toEqual([100, 200, 500, 400]);
    expect(toPixelBox([-50, -10, 1200, 900], "pixel", 1000, 800)).toEqual([0, 0, 1000, 800]);
  });

  it("grows a side under 28 px around its centre, staying inside the image", () => {
    expect(toPixelBox([100, 100, 110, 300], "pixel", 1000, 800)).toEqual([91, 100, 119, 300]);
    expect(toPixelBox([0, 100, 4, 300], "pixel", 1000, 800)).toEqual([0, 100, minimumBoxSide, 300]);
    expect(toPixelBox([995, 100, 1000, 300], "pixel", 1000, 800)).toEqual([972, 100, 1000, 300]);
    // An image smaller than the minimum is cropped whole along that side.
    expect(toPixelBox([2, 0, 5, 10], "pixel", 20, 10)).toEqual([0, 0, 20, 10]);
  });

  it("refuses boxes with no area, outside the image, or too thin", () => {
    expect(() => toPixelBox([10, 10, 10, 50], "pixel", 100, 100)).toThrow(/no area/);
    expect(() => toPixelBox([200, 200, 300, 300], "pixel", 100, 100)).toThrow(/outside the 100x100 image/);
    expect(() => toPixelBox([0, 0, 5000, 30], "pixel", 5000, 5000)).toThrow(
      /aspect ratio of 167.*most allowed is 100/,
    );
    expect(() => toPixelBox([0, 0, Number.NaN, 1], "pixel", 100, 100)).toThrow(LoupeError);
    expect(() => toPixelBox([0, 0, 1], "pixel", 100, 100)).toThrow(/four finite numbers/);
  });

  it("refuses relative coordinates out of their range and hints at pixel coordinates", () => {
    expect(() => toPixelBox([0.1, 0.1, 1.5, 0.5], "fraction", 100, 100)).toThrow(/between 0 and 1/);
    expect(() => toPixelBox([10, 10, 2400, 1800], "fraction", 4000, 3000)).toThrow(
      /look like pixel coordinates/,
    );
    expect(() => toPixelBox([0, 0, 1200, 500], "qwen1000", 100, 100)).toThrow(/between 0 and 1000/);
    // A little overshoot, as models write 1.01, is clamped rather than refused.
    expect(toPixelBox([0.5, 0.5, 1.01, 1.02], "fraction", 100, 100)).toEqual([50, 50, 100, 100]);
  });
});

describe("view coordinates", () => {
  // A 4240x2700 photo is shown to the model at 1232x784 under the default smart-resize budget.
  const shown = { width: 1232, height: 784 };

  it("scale pixels of the shown image up to pixels of the full-size image", () => {
    expect(toPixelBox([308, 196, 616, 392], "view", 4240, 2700, shown)).toEqual([1060, 675, 2120, 1350]);
    expect(toPixelBox([0, 0, 1232, 784], "view", 4240, 2700, shown)).toEqual([0, 0, 4240, 2700]);
    // Shown at full size, view and pixel coordinates agree.
    expect(toPixelBox([10, 20, 300, 400], "view", 1000, 800, { width: 1000, height: 800 })).toEqual(
      toPixelBox([10, 20, 300, 400], "pixel", 1000, 800),
    );
  });

  it("refuse boxes far beyond the shown size, pointing at pixel coordinates", () => {
    expect(() => toPixelBox([1000, 500, 3000, 1500], "view", 4240, 2700, shown)).toThrow(
      /shown to you at 1232x784.*full-size 4240x2700 image, use coordinates: pixel/,
    );
    // A little overshoot is clamped like any other box.
    expect(toPixelBox([616, 392, 1240, 790], "view", 4240, 2700, shown)).toEqual([2120, 1350, 4240, 2700]);
  });

  it("map points too", () => {
    expect(toPixelPoint(616, 392, "view", 4240, 2700, shown)).toEqual([2120, 1350]);
  });

  it("cannot be mapped without the shown size", () => {
    expect(() => toPixelBox([0, 0, 10, 10], "view", 100, 100)).toThrow(/size the image was shown at/);
  });
});

describe("toPixelPoint", () => {
  it("maps and clamps points", () => {
    expect(toPixelPoint(500, 250, "qwen1000", 2000, 1000)).toEqual([1000, 250]);
    expect(toPixelPoint(0.5, 2, "fraction", 2000, 1000)).toEqual([1000, 1000]);
    expect(toPixelPoint(-5, 30, "pixel", 100, 100)).toEqual([0, 30]);
  });
});
