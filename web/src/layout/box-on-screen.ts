import type { Box } from "./box-in-original.js";

/** A box as CSS percentages of the image element it is drawn over. */
export interface ScreenBox {
  left: number;
  top: number;
  width: number;
  height: number;
}

/**
 * A pixel box of an image as percentages of the image's drawn size, so the box stays where it
 * lies however the image is scaled (a phone, a wide screen), clamped to the image.
 */
export function boxOnScreen(box: Box, imageWidth: number, imageHeight: number): ScreenBox {
  const clampX = (value: number) => Math.min(imageWidth, Math.max(0, value));
  const clampY = (value: number) => Math.min(imageHeight, Math.max(0, value));
  const [x1, y1, x2, y2] = [clampX(box[0]), clampY(box[1]), clampX(box[2]), clampY(box[3])];
  return {
    left: (x1 / imageWidth) * 100,
    top: (y1 / imageHeight) * 100,
    width: ((x2 - x1) / imageWidth) * 100,
    height: ((y2 - y1) / imageHeight) * 100,
  };
}
