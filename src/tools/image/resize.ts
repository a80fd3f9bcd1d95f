import { z } from "zod";
import type { ImageConfig } from "../../core/config.js";
import { LoupeError } from "../../core/errors.js";
import type { Tool, ToolResult } from "../../core/tool.js";
import { imageOperations } from "./box-in-root.js";
import { describeImage, produceImage } from "./produce-image.js";
import { imageReference, resolveImage } from "./tool-arguments.js";

export const resizeArguments = z.object({
  image: imageReference,
  width: z.number().int().positive().optional().describe("Target width in pixels."),
  height: z.number().int().positive().optional().describe("Target height in pixels."),
  scale: z.number().gt(0).max(8).optional().describe("Multiply both sides by this factor instead."),
});

/**
 * The output size: `scale` multiplies both sides; one of width or height keeps the aspect ratio;
 * both give exactly that size.
 */
export function resizedSize(
  width: number,
  height: number,
  request: { width?: number; height?: number; scale?: number },
): { width: number; height: number } {
  if (request.scale !== undefined) {
    if (request.width !== undefined || request.height !== undefined) {
      throw new LoupeError("tool-input", "Give either scale, or width and/or height, not both.");
    }
    return {
      width: Math.max(1, Math.round(width * request.scale)),
      height: Math.max(1, Math.round(height * request.scale)),
    };
  }
  if (request.width !== undefined && request.height !== undefined)
    return { width: request.width, height: request.height };
  if (request.width !== undefined) {
    return { width: request.width, height: Math.max(1, Math.round((height * request.width) / width)) };
  }
  if (request.height !== undefined) {
    return { width: Math.max(1, Math.round((width * request.height) / height)), height: request.height };
  }
  throw new LoupeError("tool-input", "Resize needs a width, a height, or a scale.");
}

export function resizeTool(config: ImageConfig): Tool<z.output<typeof resizeArguments>> {
  return {
    name: "resize",
    description:
      "Resize an image: give a scale factor, or a width or height (aspect ratio kept), or both (exact size).",
    parameters: resizeArguments,
    async execute(args, context): Promise<ToolResult> {
      const source = resolveImage(context, args.image);
      const size = resizedSize(source.width, source.height, args);
      const produced = await produceImage(context, config, source, {
        name: imageOperations.resize,
        parameters: { ...size, ...(args.scale === undefined ? {} : { scale: args.scale }) },
        outputSize: size,
        operate: (pipeline) => pipeline.resize(size.width, size.height, { fit: "fill", kernel: "lanczos3" }),
      });
      return {
        text: `Resized ${source.label} from ${source.width}x${source.height} -> ${describeImage(produced)}.`,
        images: [produced],
      };
    },
  };
}
