import { z } from "zod";
import type { ImageConfig } from "../../core/config.js";
import type { Tool, ToolResult } from "../../core/tool.js";
import { imageOperations } from "./box-in-root.js";
import { describeImage, produceImage } from "./produce-image.js";
import { colour, imageReference, resolveImage } from "./tool-arguments.js";

export const rotateArguments = z.object({
  image: imageReference,
  degrees: z.number().finite().describe("Clockwise angle in degrees; negative turns counter-clockwise."),
  background: colour.default("white").describe("Fill for the corners an arbitrary angle uncovers."),
});

/** The angle as a clockwise turn in [0, 360). */
export function normalizeDegrees(degrees: number): number {
  const normalized = ((degrees % 360) + 360) % 360;
  return Number(normalized.toFixed(6)) % 360;
}

/** Size after rotation: quarter turns swap sides; other angles grow the canvas to hold every corner. */
export function rotatedSize(
  width: number,
  height: number,
  degrees: number,
): { width: number; height: number } {
  if (degrees % 180 === 0) return { width, height };
  if (degrees % 90 === 0) return { width: height, height: width };
  const radians = (degrees * Math.PI) / 180;
  const cos = Math.abs(Math.cos(radians));
  const sin = Math.abs(Math.sin(radians));
  return { width: Math.ceil(width * cos + height * sin), height: Math.ceil(width * sin + height * cos) };
}

export function rotateTool(config: ImageConfig): Tool<z.output<typeof rotateArguments>> {
  return {
    name: "rotate",
    description:
      "Rotate an image clockwise by any angle (negative for counter-clockwise). Quarter turns are exact; " +
      "other angles enlarge the canvas and fill the corners with the background colour.",
    parameters: rotateArguments,
    async execute(args, context): Promise<ToolResult> {
      const source = resolveImage(context, args.image);
      const degrees = normalizeDegrees(args.degrees);
      const quarterTurn = degrees % 90 === 0;
      const produced = await produceImage(context, config, source, {
        name: imageOperations.rotate,
        parameters: { degrees, ...(quarterTurn ? {} : { background: args.background }) },
        outputSize: rotatedSize(source.width, source.height, degrees),
        operate: (pipeline) => pipeline.rotate(degrees, { background: args.background }),
      });
      return {
        text: `Rotated ${source.label} by ${degrees} degrees clockwise -> ${describeImage(produced)}.`,
        images: [produced],
      };
    },
  };
}
