import { z } from "zod";
import type { ImageConfig } from "../../core/config.js";
import type { Tool, ToolResult } from "../../core/tool.js";
import { imageOperations } from "./box-in-root.js";
import { describeImage, produceImage } from "./produce-image.js";
import { imageReference, resolveImage } from "./tool-arguments.js";

export const flipArguments = z.object({
  image: imageReference,
  axis: z
    .enum(["horizontal", "vertical"])
    .describe("horizontal: mirror left-right (read mirrored text); vertical: upside down."),
});

export function flipTool(config: ImageConfig): Tool<z.output<typeof flipArguments>> {
  return {
    name: "flip",
    description: "Mirror an image left-right (horizontal) or top-bottom (vertical).",
    parameters: flipArguments,
    async execute(args, context): Promise<ToolResult> {
      const source = resolveImage(context, args.image);
      const produced = await produceImage(context, config, source, {
        name: imageOperations.flip,
        parameters: { axis: args.axis },
        outputSize: { width: source.width, height: source.height },
        // sharp's flop mirrors about the vertical axis (left-right); its flip turns upside down.
        operate: (pipeline) => (args.axis === "horizontal" ? pipeline.flop() : pipeline.flip()),
      });
      return {
        text: `Flipped ${source.label} ${args.axis}ly -> ${describeImage(produced)}.`,
        images: [produced],
      };
    },
  };
}
