import { ImageSet } from "../../core/image-set.js";
import type { ImageRef } from "../../core/images.js";
import type { ToolContext } from "../../core/tool.js";
import { createToolContext } from "../../core/tool-context.js";

/**
 * A ToolContext over a real ImageSet, wired the way the agent's tool executor wires it, for the
 * image tools' tests. Not a fake: every image really goes through ImageSet with provenance.
 */
export function imageToolContext(images = new ImageSet(), state = new Map<string, unknown>()): ToolContext {
  return createToolContext({ tool: "image", images, state, question: "test" });
}

export function addInputImage(
  context: ToolContext,
  bytes: Uint8Array,
  facts: { mime: string; width: number; height: number },
): ImageRef {
  return context.images.add(bytes, facts, { kind: "input", source: "test" });
}
