import type { DialectContext } from "./dialect.js";
import type { ReadAction } from "./dialect-support.js";

/**
 * An image search on the first input image: MMSearch-R1's `<search><img></search>` and
 * DeepEyesV2's argument-less `image_search` both mean exactly this.
 */
export function searchInputImage(id: string, raw: string, context: DialectContext): ReadAction {
  const input = context.images.list()[0];
  if (!input)
    return { id, raw, name: "image_search", message: "Error: there is no input image to search with." };
  return { id, raw, name: "image_search", arguments: { images: [input.label] } };
}

/** A code block read as a python call; an empty block is answered with `emptyMessage`. */
export function pythonCall(id: string, raw: string, code: string, emptyMessage: string): ReadAction {
  if (!code.trim()) return { id, raw, name: "python", message: emptyMessage };
  return { id, raw, name: "python", arguments: { code } };
}
