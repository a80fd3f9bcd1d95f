import { z } from "zod";
import type { ImageConfig } from "../../core/config.js";
import { LoupeError } from "../../core/errors.js";
import type { Tool, ToolResult } from "../../core/tool.js";
import { imageOperations } from "./box-in-root.js";
import type { DecodedImage } from "./decoded-image-cache.js";
import { describeImage, produceImage } from "./produce-image.js";
import { imageReference, resolveImage } from "./tool-arguments.js";

export const enhanceArguments = z.object({
  image: imageReference,
  brightness: z
    .number()
    .min(0)
    .max(4)
    .optional()
    .describe("Brightness multiplier; 1 keeps it, 1.5 is brighter."),
  contrast: z.number().min(0).max(4).optional().describe("Contrast multiplier around mid-grey; 1 keeps it."),
  gamma: z
    .number()
    .min(0.1)
    .max(10)
    .optional()
    .describe("Gamma correction; above 1 lifts shadows and mid-tones, below 1 darkens them."),
  sharpen: z
    .union([z.boolean(), z.number().min(0.3).max(10)])
    .optional()
    .describe("true, or a sigma in pixels."),
  denoise: z
    .union([z.boolean(), z.number().int().min(3).max(15)])
    .optional()
    .describe("true, or the median filter window in pixels (odd, 3-15)."),
  grayscale: z.boolean().optional(),
  normalize: z.boolean().optional().describe("Stretch the darkest and brightest pixels to the full range."),
  equalize: z
    .boolean()
    .optional()
    .describe("Local histogram equalization (CLAHE): reveals detail in shadows and glare."),
  invert: z.boolean().optional().describe("Negative image, e.g. for light text on a dark background."),
});
export type EnhanceArguments = z.output<typeof enhanceArguments>;

const adjustmentNames = [
  "brightness",
  "contrast",
  "gamma",
  "sharpen",
  "denoise",
  "grayscale",
  "normalize",
  "equalize",
  "invert",
] as const;

/** The adjustments actually asked for (false and neutral values dropped), in a fixed order. */
export function requestedAdjustments(args: EnhanceArguments): Record<string, unknown> {
  const requested: Record<string, unknown> = {};
  for (const name of adjustmentNames) {
    const value = args[name];
    if (value === undefined || value === false) continue;
    if ((name === "brightness" || name === "contrast" || name === "gamma") && value === 1) continue;
    requested[name] = value;
  }
  return requested;
}

/**
 * Gamma through a lookup table on the decoded pixels (sharp's own gamma only pairs with
 * resizing and takes 1..3). Alpha stays as it is.
 */
export function applyGamma(decoded: DecodedImage, gamma: number): DecodedImage {
  const table = new Uint8Array(256);
  for (let value = 0; value < 256; value++) table[value] = Math.round(255 * (value / 255) ** (1 / gamma));
  const data = Buffer.allocUnsafe(decoded.data.byteLength);
  const colourChannels =
    decoded.channels === 2 || decoded.channels === 4 ? decoded.channels - 1 : decoded.channels;
  const source = decoded.data;
  for (let index = 0; index < source.length; index += decoded.channels) {
    for (let channel = 0; channel < decoded.channels; channel++) {
      const value = source[index + channel]!;
      data[index + channel] = channel < colourChannels ? table[value]! : value;
    }
  }
  return { ...decoded, data };
}

export function enhanceTool(config: ImageConfig): Tool<EnhanceArguments> {
  return {
    name: "enhance",
    description:
      "Adjust an image to make details visible: brightness, contrast, gamma, sharpen, denoise, grayscale, " +
      "normalize, equalize (local contrast), invert. Give only the adjustments you want.",
    parameters: enhanceArguments,
    async execute(args, context): Promise<ToolResult> {
      const source = resolveImage(context, args.image);
      const adjustments = requestedAdjustments(args);
      if (Object.keys(adjustments).length === 0) {
        throw new LoupeError(
          "tool-input",
          `Enhance needs at least one adjustment: ${adjustmentNames.join(", ")}.`,
        );
      }
      const produced = await produceImage(context, config, source, {
        name: imageOperations.enhance,
        parameters: adjustments,
        outputSize: { width: source.width, height: source.height },
        transformPixels:
          args.gamma !== undefined && args.gamma !== 1
            ? (decoded) => applyGamma(decoded, args.gamma!)
            : undefined,
        operate: (pipeline, decoded) => {
          let result = pipeline;
          if (args.denoise !== undefined && args.denoise !== false) {
            result = result.median(args.denoise === true ? 3 : args.denoise | 1);
          }
          if (args.brightness !== undefined && args.brightness !== 1)
            result = result.modulate({ brightness: args.brightness });
          if (args.contrast !== undefined && args.contrast !== 1) {
            result = result.linear(args.contrast, 128 * (1 - args.contrast));
          }
          if (args.normalize) result = result.normalise();
          if (args.equalize) {
            const tile = (side: number) => Math.max(3, Math.round(side / 8));
            result = result.clahe({ width: tile(decoded.width), height: tile(decoded.height), maxSlope: 3 });
          }
          if (args.sharpen !== undefined && args.sharpen !== false) {
            result = args.sharpen === true ? result.sharpen() : result.sharpen({ sigma: args.sharpen });
          }
          if (args.grayscale) result = result.grayscale();
          if (args.invert) result = result.negate({ alpha: false });
          return result;
        },
      });
      const summary = Object.entries(adjustments)
        .map(([name, value]) => (value === true ? name : `${name} ${value}`))
        .join(", ");
      return {
        text: `Enhanced ${source.label} (${summary}) -> ${describeImage(produced)}.`,
        images: [produced],
      };
    },
  };
}
