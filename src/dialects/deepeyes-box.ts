/** A zoom box in pixels of the original image: [left, top, right, bottom]. */
export type ZoomBox = [number, number, number, number];

/** DeepEyes refuses boxes longer than this many times their width (or the reverse). */
const maximumAspectRatio = 100;
/** Qwen2.5-VL sees 28-px patches; DeepEyes grows thinner boxes to this size. */
const minimumSide = 28;

/**
 * Checks a zoom box the way DeepEyes v1 does before cropping: clamp it to the image, require
 * x1 < x2 and y1 < y2 and an aspect ratio of at most 100, and grow a side under 28 px to 28
 * around the box centre (kept inside the image). Returns the box or the problem in words.
 */
export function validateZoomBox(value: unknown, width: number, height: number): ZoomBox | string {
  const numbers = Array.isArray(value)
    ? value.map((item) => (typeof item === "string" ? Number(item) : item))
    : [];
  if (numbers.length !== 4 || numbers.some((item) => typeof item !== "number" || !Number.isFinite(item))) {
    return `bbox_2d must be four numbers [x1, y1, x2, y2]; got ${JSON.stringify(value) ?? "nothing"}.`;
  }
  const [x1, y1, x2, y2] = numbers as number[] as ZoomBox;
  const left = Math.max(0, Math.floor(x1));
  const top = Math.max(0, Math.floor(y1));
  const right = Math.min(width, Math.ceil(x2));
  const bottom = Math.min(height, Math.ceil(y2));
  const written = `[${x1}, ${y1}, ${x2}, ${y2}]`;
  if (left >= right || top >= bottom) {
    return `bbox_2d ${written} has no area inside the ${width}x${height} image: it needs x1 < x2 and y1 < y2 within the image.`;
  }
  const boxWidth = right - left;
  const boxHeight = bottom - top;
  if (Math.max(boxWidth, boxHeight) / Math.min(boxWidth, boxHeight) > maximumAspectRatio) {
    return `bbox_2d ${written} is too thin: its aspect ratio must be at most ${maximumAspectRatio}.`;
  }
  if (Math.min(boxWidth, boxHeight) >= minimumSide) return [left, top, right, bottom];
  const scale = minimumSide / Math.min(boxWidth, boxHeight);
  const [newLeft, newRight] = grow(left, right, boxWidth * scale, width);
  const [newTop, newBottom] = grow(top, bottom, boxHeight * scale, height);
  return [newLeft, newTop, newRight, newBottom];
}

/** Grows [start, end) to `size` around its centre, shifted back inside [0, limit). */
function grow(start: number, end: number, size: number, limit: number): [number, number] {
  const length = Math.min(Math.ceil(size), limit);
  const centre = (start + end) / 2;
  let newStart = Math.floor(centre - length / 2);
  newStart = Math.max(0, Math.min(newStart, limit - length));
  return [newStart, newStart + length];
}
