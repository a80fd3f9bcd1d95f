import { z } from "zod";
import type { ImageRef } from "../../core/images.js";
import type { ToolContext } from "../../core/tool.js";

/** Which image to work on: its label ("image_2"), number, or id prefix. Default: the first image. */
export const imageReference = z
  .union([z.string(), z.number().int()])
  .optional()
  .describe('The image to use, by its label such as "image_2". Default: the first image.');

export function resolveImage(context: ToolContext, reference: string | number | undefined): ImageRef {
  return context.images.resolve(reference);
}

/** A colour a model may name: #rgb, #rrggbb, #rrggbbaa, or a CSS colour word. Nothing else reaches SVG. */
export const colourPattern = /^(#[0-9a-f]{3,8}|[a-z]{3,20})$/i;
export const colour = z.string().regex(colourPattern, "a colour such as #ff0000 or red");
