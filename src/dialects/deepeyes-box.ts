import type { DialectOptions } from "../core/config.js";
import type { CoordinateSystem } from "../core/coordinate-systems.js";
import type { ImageRef } from "../core/images.js";
import type { DialectContext } from "./dialect.js";

/** A zoom box as the model wrote it: [x1, y1, x2, y2] in its coordinate space. */
export type ZoomBox = [number, number, number, number];

/** The size of the space a box is written in, and whether its units are pixels. */
export interface CoordinateExtent {
  width: number;
  height: number;
  pixels: boolean;
}

/** DeepEyes' RL tool refuses boxes longer than this many times their width (or the reverse). */
const maximumAspectRatio = 100;
/** ... and boxes whose shorter side, after clamping, is this many pixels or fewer. */
const minimumSideExclusive = 30;

/** The extent of `system` over `image`: its pixels, the view the model was shown, or the unit ranges. */
export function coordinateExtent(
  system: CoordinateSystem,
  image: ImageRef,
  context: DialectContext,
): CoordinateExtent {
  switch (system) {
    case "pixel":
      return { width: image.width, height: image.height, pixels: true };
    case "view":
      return { ...(context.viewSize?.(image) ?? { width: image.width, height: image.height }), pixels: true };
    case "fraction":
      return { width: 1, height: 1, pixels: false };
    case "qwen1000":
      return { width: 1000, height: 1000, pixels: false };
  }
}

/**
 * Reads a zoom box and checks it the way the profile's upstream stage does, in the space the
 * model wrote it in. `deepeyes-rl` (visual_toolbox_v2.py): clamp to the image, then require
 * x1 < x2 and y1 < y2, an aspect ratio of at most 100, and a shorter side over 30 px (so the
 * 28-px growth further down that file never runs). `none` (the eval scripts) checks nothing; the
 * crop tool still clamps and refuses a box with no area. Returns the box or the problem in words.
 */
export function checkZoomBox(
  value: unknown,
  extent: CoordinateExtent,
  rules: DialectOptions["boxRules"],
): ZoomBox | string {
  const numbers = Array.isArray(value)
    ? value.map((item) => (typeof item === "string" ? Number(item) : item))
    : [];
  if (numbers.length !== 4 || numbers.some((item) => typeof item !== "number" || !Number.isFinite(item))) {
    return `bbox_2d must be four numbers [x1, y1, x2, y2]; got ${JSON.stringify(value) ?? "nothing"}.`;
  }
  const box = numbers as number[] as ZoomBox;
  if (rules === "none") return box;
  const [x1, y1, x2, y2] = box;
  const left = Math.max(0, x1);
  const top = Math.max(0, y1);
  const right = Math.min(extent.width, x2);
  const bottom = Math.min(extent.height, y2);
  const written = `[${box.join(", ")}]`;
  const size = `${extent.width}x${extent.height}`;
  if (left >= right || top >= bottom) {
    return `bbox_2d ${written} has no area inside the ${size} image: it needs x1 < x2 and y1 < y2 within the image.`;
  }
  const width = right - left;
  const height = bottom - top;
  if (Math.max(width, height) / Math.min(width, height) > maximumAspectRatio) {
    return `bbox_2d ${written} is too thin: its aspect ratio must be at most ${maximumAspectRatio}.`;
  }
  if (extent.pixels && Math.min(width, height) <= minimumSideExclusive) {
    return `bbox_2d ${written} is too small: both sides must be over ${minimumSideExclusive} pixels of the ${size} image.`;
  }
  return [left, top, right, bottom];
}
