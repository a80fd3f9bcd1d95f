import { z } from "zod";
import type { ImageRef } from "../../core/images.js";
import type { ToolContext } from "../../core/tool.js";
import { viewSizeSent } from "../../images/model-view.js";
import {
  type CoordinateSystem,
  coordinateSystems,
  coordinateSystemsDescription,
  type ViewSize,
} from "./coordinates.js";

/** Which image to work on: its label ("image_2"), number, or id prefix. Default: the first image. */
export const imageReference = z
  .union([z.string(), z.number().int()])
  .optional()
  .describe('The image to use, by its label such as "image_2". Default: the first image.');

/** The `coordinates` argument every tool that takes boxes or points shares. */
export const coordinatesArgument = z
  .enum(coordinateSystems)
  .default("pixel")
  .describe(`How boxes and points are given. ${coordinateSystemsDescription}`);

/**
 * The size the model was shown `image` at, which `view` coordinates are pixels of; undefined for
 * the other systems, which do not need it (and an image the model cannot be shown at all must
 * still be croppable in pixels).
 */
export function viewSizeFor(
  system: CoordinateSystem,
  image: ImageRef,
  context: Pick<ToolContext, "view">,
): ViewSize | undefined {
  if (system !== "view") return undefined;
  const { width, height } = viewSizeSent(image, context.view.modelView);
  return { width, height };
}

export function resolveImage(context: ToolContext, reference: string | number | undefined): ImageRef {
  return context.images.resolve(reference);
}

/** A colour a model may name: #rgb, #rrggbb, #rrggbbaa, or a CSS colour word. Nothing else reaches SVG. */
export const colourPattern = /^(#[0-9a-f]{3,8}|[a-z]{3,20})$/i;
export const colour = z.string().regex(colourPattern, "a colour such as #ff0000 or red");
