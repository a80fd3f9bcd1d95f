import { LoupeError } from "../../core/errors.js";

/**
 * How a model states a box. Models differ: Qwen2.5-VL and DeepEyes give absolute pixels, Qwen2-VL
 * and Qwen3-VL give integers in 0..1000 of each side, R1V4's code crops by fractions of the size.
 */
export const coordinateSystems = ["pixel", "fraction", "qwen1000"] as const;
export type CoordinateSystem = (typeof coordinateSystems)[number];

/** A box in whole pixels of one image: [left, top, right, bottom], right and bottom exclusive. */
export type PixelBox = [number, number, number, number];

/** Qwen's vision encoder works on 28-px patches; a thinner crop would be mostly padding. */
export const minimumBoxSide = 28;
/** Same bound as DeepEyes' crop validation: anything longer and thinner is a line, not a region. */
export const maximumBoxAspectRatio = 100;

/** How far outside 0..1 (or 0..1000) a relative coordinate may stray before it is a mistake. */
const relativeTolerance = 0.05;

function scaleOf(system: CoordinateSystem): number {
  return system === "fraction" ? 1 : 1000;
}

function formatBox(box: readonly number[]): string {
  return `[${box.map((value) => Number(value.toFixed(4))).join(", ")}]`;
}

/**
 * Maps a box a model wrote to whole pixels of an image of `width` x `height`: swapped corners are
 * put right, the box is clamped to the image, a side under 28 px grows to 28 around its centre
 * (shifted back inside the image), and boxes with no area or an aspect ratio over 100 are refused
 * with an error that says what was wrong.
 */
export function toPixelBox(
  box: readonly number[],
  system: CoordinateSystem,
  width: number,
  height: number,
): PixelBox {
  if (box.length !== 4 || box.some((value) => typeof value !== "number" || !Number.isFinite(value))) {
    throw new LoupeError(
      "tool-input",
      `A box needs four finite numbers [x1, y1, x2, y2]; got ${JSON.stringify(box)}.`,
    );
  }
  const [ax, ay, bx, by] = box as [number, number, number, number];
  if (system !== "pixel") {
    const scale = scaleOf(system);
    const low = -relativeTolerance * scale;
    const high = (1 + relativeTolerance) * scale;
    if (box.some((value) => value < low || value > high)) {
      throw new LoupeError(
        "tool-input",
        `Box ${formatBox(box)} is not in ${system} coordinates: every value must lie between 0 and ${scale}` +
          (system === "fraction" && box.some((value) => value > 1000 * (1 + relativeTolerance))
            ? " (these look like pixel coordinates; use coordinates: pixel)."
            : "."),
      );
    }
  }
  const toX = (value: number) => (system === "pixel" ? value : (value / scaleOf(system)) * width);
  const toY = (value: number) => (system === "pixel" ? value : (value / scaleOf(system)) * height);
  const clampX = (value: number) => Math.min(width, Math.max(0, Math.round(toX(value))));
  const clampY = (value: number) => Math.min(height, Math.max(0, Math.round(toY(value))));
  let x1 = clampX(Math.min(ax, bx));
  let x2 = clampX(Math.max(ax, bx));
  let y1 = clampY(Math.min(ay, by));
  let y2 = clampY(Math.max(ay, by));
  if (x2 <= x1 || y2 <= y1) {
    const outside = Math.max(ax, bx) <= 0 || Math.max(ay, by) <= 0 || x1 >= width || y1 >= height;
    throw new LoupeError(
      "tool-input",
      outside
        ? `Box ${formatBox(box)} (${system}) lies outside the ${width}x${height} image.`
        : `Box ${formatBox(box)} (${system}) has no area: x1 must be less than x2 and y1 less than y2.`,
    );
  }
  [x1, x2] = growToMinimum(x1, x2, width);
  [y1, y2] = growToMinimum(y1, y2, height);
  const boxWidth = x2 - x1;
  const boxHeight = y2 - y1;
  const aspectRatio = Math.max(boxWidth / boxHeight, boxHeight / boxWidth);
  if (aspectRatio > maximumBoxAspectRatio) {
    throw new LoupeError(
      "tool-input",
      `Box ${formatBox(box)} (${system}) is ${boxWidth}x${boxHeight} px, an aspect ratio of ${Math.round(aspectRatio)}; ` +
        `the most allowed is ${maximumBoxAspectRatio}.`,
    );
  }
  return [x1, y1, x2, y2];
}

/** Widens [start, end) to the minimum side around its centre, kept inside [0, limit). */
function growToMinimum(start: number, end: number, limit: number): [number, number] {
  const side = Math.min(minimumBoxSide, limit);
  if (end - start >= side) return [start, end];
  const centre = (start + end) / 2;
  let newStart = Math.round(centre - side / 2);
  newStart = Math.min(Math.max(0, newStart), limit - side);
  return [newStart, newStart + side];
}

/** Maps a point a model wrote to pixels of a `width` x `height` image, clamped to the image. */
export function toPixelPoint(
  x: number,
  y: number,
  system: CoordinateSystem,
  width: number,
  height: number,
): [number, number] {
  if (!Number.isFinite(x) || !Number.isFinite(y)) {
    throw new LoupeError("tool-input", `A point needs two finite numbers; got (${x}, ${y}).`);
  }
  const scale = system === "pixel" ? undefined : scaleOf(system);
  const pixelX = scale === undefined ? x : (x / scale) * width;
  const pixelY = scale === undefined ? y : (y / scale) * height;
  return [
    Math.min(width, Math.max(0, Math.round(pixelX))),
    Math.min(height, Math.max(0, Math.round(pixelY))),
  ];
}
