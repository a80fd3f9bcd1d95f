import type { ImageRecord } from "../data/run-data.js";

/** x1, y1, x2, y2 in an image's pixels. */
export type Box = [number, number, number, number];

export interface PlacedImage {
  /** The image at the top of the provenance chain (an input, usually). */
  root: string;
  /** Where the whole derived image lies in the root, in the root's pixels. */
  box: Box;
}

/**
 * Where an image lies in the original it was derived from: its full extent traced up the
 * provenance chain, composing each crop's offset and scale (crops of crops), resizes, flips and
 * quarter-turn rotations, the same geometry as tools/image/box-in-root.ts. Undefined for an input
 * itself, and when a step cannot be inverted (an image drawn by code, a 30° rotation).
 */
export function placeInOriginal(images: readonly ImageRecord[], id: string): PlacedImage | undefined {
  const byId = new Map(images.map((image) => [image.id, image]));
  let current = byId.get(id);
  if (current?.provenance.kind !== "tool" || current.provenance.parent === undefined) return undefined;
  let box: Box = [0, 0, current.width, current.height];
  const seen = new Set<string>();
  while (current.provenance.kind === "tool" && current.provenance.parent !== undefined) {
    if (seen.has(current.id)) return undefined;
    seen.add(current.id);
    const parent = byId.get(current.provenance.parent);
    if (!parent) return undefined;
    const mapped = mapToParent(box, current, parent);
    if (!mapped) return undefined;
    box = mapped;
    current = parent;
  }
  return { root: current.id, box };
}

function mapToParent(box: Box, child: ImageRecord, parent: ImageRecord): Box | undefined {
  if (child.provenance.kind !== "tool") return undefined;
  const { operation, parameters } = child.provenance;
  const [x1, y1, x2, y2] = box;
  switch (operation) {
    case "enhance":
    case "annotate":
      return box;
    case "resize": {
      const sx = parent.width / child.width;
      const sy = parent.height / child.height;
      return [x1 * sx, y1 * sy, x2 * sx, y2 * sy];
    }
    case "crop": {
      const crop = parameters.pixelBox;
      if (!isBox(crop)) return undefined;
      const [left, top, right, bottom] = crop;
      const sx = (right - left) / child.width;
      const sy = (bottom - top) / child.height;
      return [left + x1 * sx, top + y1 * sy, left + x2 * sx, top + y2 * sy];
    }
    case "flip":
      if (parameters.axis === "horizontal") return [parent.width - x2, y1, parent.width - x1, y2];
      if (parameters.axis === "vertical") return [x1, parent.height - y2, x2, parent.height - y1];
      return undefined;
    case "rotate":
      return unrotate(box, parameters.degrees, parent);
    default:
      return undefined;
  }
}

function unrotate(box: Box, degrees: unknown, parent: ImageRecord): Box | undefined {
  if (typeof degrees !== "number") return undefined;
  const turns = (((degrees % 360) + 360) % 360) / 90;
  const [x1, y1, x2, y2] = box;
  const { width, height } = parent;
  if (turns === 0) return box;
  if (turns === 1) return [y1, height - x2, y2, height - x1];
  if (turns === 2) return [width - x2, height - y2, width - x1, height - y1];
  if (turns === 3) return [width - y2, x1, width - y1, x2];
  return undefined;
}

function isBox(value: unknown): value is Box {
  return Array.isArray(value) && value.length === 4 && value.every((entry) => typeof entry === "number");
}
