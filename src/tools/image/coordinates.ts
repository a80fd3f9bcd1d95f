import { type CoordinateSystem, coordinateSystems } from "../../core/coordinate-systems.js";
import { LoupeError } from "../../core/errors.js";

export { type CoordinateSystem, coordinateSystems };

/** One sentence per system, for the `coordinates` argument's schema description. */
export const coordinateSystemsDescription =
  "pixel: pixels of the full-size image (the sizes tool results report); " +
  "view: pixels of the image exactly as you were shown it, which may be smaller than the full-size image; " +
  "fraction: 0..1 of width and height; qwen1000: 0..1000 of each side.";

/** The size an image was shown to the model at: what `view` coordinates are pixels of. */
export interface ViewSize {
  width: number;
  height: number;
}

/** A box in whole pixels of one image: [left, top, right, bottom], right and bottom exclusive. */
export type PixelBox = [number, number, number, number];

/** Qwen's vision encoder works on 28-px patches; a thinner crop would be mostly padding. */
export const minimumBoxSide = 28;
/** Same bound as DeepEyes' crop validation: anything longer and thinner is a line, not a region. */
export const maximumBoxAspectRatio = 100;

/** How far past its range (0..1, 0..1000, the view size) a coordinate may stray before it is a mistake. */
const relativeTolerance = 0.05;

/**
 * The range each axis of a system spans, which maps onto the image's width and height; undefined
 * for pixels, which need no mapping and have no range (a box past the edge is clamped).
 */
function extentOf(system: CoordinateSystem, view: ViewSize | undefined): ViewSize | undefined {
  switch (system) {
    case "pixel":
      return undefined;
    case "fraction":
      return { width: 1, height: 1 };
    case "qwen1000":
      return { width: 1000, height: 1000 };
    case "view":
      // A programming error, not the model's: every tool that takes coordinates passes the view.
      if (!view) throw new Error("view coordinates need the size the image was shown at");
      return view;
  }
}

/** Refuses values far outside the system's range: a sign the model meant another system. */
function assertInExtent(
  values: readonly [number, number, number, number],
  system: CoordinateSystem,
  extent: ViewSize,
  image: ViewSize,
): void {
  const [ax, ay, bx, by] = values;
  const inRange = (value: number, limit: number) =>
    value >= -relativeTolerance * limit && value <= (1 + relativeTolerance) * limit;
  if (
    inRange(ax, extent.width) &&
    inRange(bx, extent.width) &&
    inRange(ay, extent.height) &&
    inRange(by, extent.height)
  )
    return;
  const given = formatBox(values);
  if (system === "view") {
    throw new LoupeError(
      "tool-input",
      `Box ${given} is not in view coordinates: the image was shown to you at ${extent.width}x${extent.height}, ` +
        `so x must lie between 0 and ${extent.width} and y between 0 and ${extent.height}` +
        ` (for pixels of the full-size ${image.width}x${image.height} image, use coordinates: pixel).`,
    );
  }
  const looksLikePixels =
    system === "fraction" && values.some((value) => value > 1000 * (1 + relativeTolerance));
  throw new LoupeError(
    "tool-input",
    `Box ${given} is not in ${system} coordinates: every value must lie between 0 and ${extent.width}` +
      (looksLikePixels ? " (these look like pixel coordinates; use coordinates: pixel)." : "."),
  );
}

function formatBox(box: readonly number[]): string {
  return `[${box.map((value) => Number(value.toFixed(4))).join(", ")}]`;
}

/**
 * Maps a box a model wrote to whole pixels of an image of `width` x `height` (shown to the model
 * at `view`, needed for `view` coordinates): swapped corners are put right, the box is clamped to
 * the image, a side under 28 px grows to 28 around its centre (shifted back inside the image),
 * and boxes with no area or an aspect ratio over 100 are refused with an error that says what
 * was wrong.
 */
export function toPixelBox(
  box: readonly number[],
  system: CoordinateSystem,
  width: number,
  height: number,
  view?: ViewSize,
): PixelBox {
  if (box.length !== 4 || box.some((value) => typeof value !== "number" || !Number.isFinite(value))) {
    throw new LoupeError(
      "tool-input",
      `A box needs four finite numbers [x1, y1, x2, y2]; got ${JSON.stringify(box)}.`,
    );
  }
  const values = box as unknown as [number, number, number, number];
  const [ax, ay, bx, by] = values;
  const extent = extentOf(system, view);
  if (extent) assertInExtent(values, system, extent, { width, height });
  const toX = (value: number) => (extent ? (value / extent.width) * width : value);
  const toY = (value: number) => (extent ? (value / extent.height) * height : value);
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

/**
 * Maps a point a model wrote to pixels of a `width` x `height` image (shown to the model at
 * `view`, needed for `view` coordinates), clamped to the image.
 */
export function toPixelPoint(
  x: number,
  y: number,
  system: CoordinateSystem,
  width: number,
  height: number,
  view?: ViewSize,
): [number, number] {
  if (!Number.isFinite(x) || !Number.isFinite(y)) {
    throw new LoupeError("tool-input", `A point needs two finite numbers; got (${x}, ${y}).`);
  }
  const extent = extentOf(system, view);
  const pixelX = extent ? (x / extent.width) * width : x;
  const pixelY = extent ? (y / extent.height) * height : y;
  return [
    Math.min(width, Math.max(0, Math.round(pixelX))),
    Math.min(height, Math.max(0, Math.round(pixelY))),
  ];
}
