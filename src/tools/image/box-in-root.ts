import type { ImageSet } from "../../core/image-set.js";
import type { ImageRef } from "../../core/images.js";
import type { PixelBox } from "./coordinates.js";

/**
 * The operations whose pixel geometry Loupe knows, as recorded in ImageProvenance.operation by the
 * image tools. Each maps a box in its output back into its input, so a crop of a crop of a rotated
 * image can still say where it lies in the picture the user gave.
 */
export const imageOperations = {
  crop: "crop",
  rotate: "rotate",
  flip: "flip",
  resize: "resize",
  enhance: "enhance",
  annotate: "annotate",
} as const;

type FloatBox = [number, number, number, number];

export interface BoxInRoot {
  /** Id of the image at the top of the provenance chain (a user input, usually). */
  root: string;
  box: PixelBox;
}

/**
 * Traces a pixel box of image `imageId` up its provenance chain to the root image, composing the
 * offsets and scales of crops, resizes, flips and quarter-turn rotations. Returns undefined when
 * a step on the way cannot be inverted exactly (a rotation by 30 degrees, an image drawn by code).
 */
export function boxInRoot(images: ImageSet, imageId: string, pixelBox: PixelBox): BoxInRoot | undefined {
  let box: FloatBox = [...pixelBox];
  let current = images.byId(imageId);
  if (!current) return undefined;
  const seen = new Set<string>();
  while (current.provenance.kind === "tool" && current.provenance.parent !== undefined) {
    if (seen.has(current.id)) return undefined;
    seen.add(current.id);
    const parent = images.byId(current.provenance.parent);
    if (!parent) return undefined;
    const mapped = mapToParent(box, current, parent);
    if (!mapped) return undefined;
    box = mapped;
    current = parent;
  }
  const [x1, y1, x2, y2] = box;
  return {
    root: current.id,
    box: [
      clamp(Math.round(x1), current.width),
      clamp(Math.round(y1), current.height),
      clamp(Math.round(x2), current.width),
      clamp(Math.round(y2), current.height),
    ],
  };
}

function clamp(value: number, limit: number): number {
  return Math.min(limit, Math.max(0, value));
}

function mapToParent(box: FloatBox, child: ImageRef, parent: ImageRef): FloatBox | undefined {
  if (child.provenance.kind !== "tool") return undefined;
  const { operation, parameters } = child.provenance;
  const [x1, y1, x2, y2] = box;
  switch (operation) {
    case imageOperations.enhance:
    case imageOperations.annotate:
      return box;
    case imageOperations.resize: {
      const scaleX = parent.width / child.width;
      const scaleY = parent.height / child.height;
      return [x1 * scaleX, y1 * scaleY, x2 * scaleX, y2 * scaleY];
    }
    case imageOperations.crop: {
      const cropBox = parameters.pixelBox;
      if (!isPixelBox(cropBox)) return undefined;
      const [left, top, right, bottom] = cropBox;
      const scaleX = (right - left) / child.width;
      const scaleY = (bottom - top) / child.height;
      return [left + x1 * scaleX, top + y1 * scaleY, left + x2 * scaleX, top + y2 * scaleY];
    }
    case imageOperations.flip:
      if (parameters.axis === "horizontal") return [parent.width - x2, y1, parent.width - x1, y2];
      if (parameters.axis === "vertical") return [x1, parent.height - y2, x2, parent.height - y1];
      return undefined;
    case imageOperations.rotate:
      return unrotate(box, parameters.degrees, parent);
    default:
      return undefined;
  }
}

/** Inverts a clockwise rotation by a multiple of 90 degrees (the only exactly invertible ones). */
function unrotate(box: FloatBox, degrees: unknown, parent: ImageRef): FloatBox | undefined {
  if (typeof degrees !== "number") return undefined;
  const quarterTurns = (((degrees % 360) + 360) % 360) / 90;
  const [x1, y1, x2, y2] = box;
  const { width, height } = parent;
  switch (quarterTurns) {
    case 0:
      return box;
    case 1: // parent (x, y) went to (height - y, x)
      return [y1, height - x2, y2, height - x1];
    case 2:
      return [width - x2, height - y2, width - x1, height - y1];
    case 3: // parent (x, y) went to (y, width - x)
      return [width - y2, x1, width - y1, x2];
    default:
      return undefined;
  }
}

function isPixelBox(value: unknown): value is PixelBox {
  return Array.isArray(value) && value.length === 4 && value.every((entry) => typeof entry === "number");
}
