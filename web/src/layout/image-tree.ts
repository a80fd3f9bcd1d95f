import type { ImageRecord } from "../data/run-data.js";

export interface ImageNode {
  image: ImageRecord;
  children: ImageNode[];
}

/**
 * The tree of derived images: each input (or image without a known parent) at the top, each
 * tool's output under the image it was made from, in the order they were made.
 */
export function imageTree(images: readonly ImageRecord[]): ImageNode[] {
  const nodes = new Map(images.map((image) => [image.id, { image, children: [] as ImageNode[] }]));
  const roots: ImageNode[] = [];
  for (const node of nodes.values()) {
    const parent = parentOf(node.image);
    const parentNode = parent === undefined || parent === node.image.id ? undefined : nodes.get(parent);
    if (parentNode && !isAncestor(node, parentNode)) parentNode.children.push(node);
    else roots.push(node);
  }
  return roots;
}

export function parentOf(image: ImageRecord): string | undefined {
  return image.provenance.kind === "tool" ? image.provenance.parent : undefined;
}

/** A label for an image: the crop's own label when the model gave one, else the record's. */
export function imageLabel(image: ImageRecord): string {
  if (image.provenance.kind === "tool") {
    const label = image.provenance.parameters.label;
    if (typeof label === "string" && label.trim()) return `${image.label}: ${label}`;
  }
  return image.label;
}

function isAncestor(node: ImageNode, of: ImageNode): boolean {
  const stack = [...node.children];
  while (stack.length > 0) {
    const next = stack.pop()!;
    if (next === of) return true;
    stack.push(...next.children);
  }
  return false;
}
