import { z } from "zod";
import type { ImageConfig } from "../../core/config.js";
import type { ImageRef } from "../../core/images.js";
import type { Tool, ToolResult } from "../../core/tool.js";
import { type BoxInRoot, boxInRoot, imageOperations } from "./box-in-root.js";
import { type CoordinateSystem, type PixelBox, toPixelBox, type ViewSize } from "./coordinates.js";
import { describeImage, produceImage } from "./produce-image.js";
import { coordinatesArgument, imageReference, resolveImage, viewSizeFor } from "./tool-arguments.js";

/** Small crops are enlarged until their shorter side reaches this, so the model sees detail. */
export const zoomTargetShortSide = 512;
export const maximumAutomaticZoom = 4;
export const maximumZoom = 8;

export const cropArguments = z.object({
  image: imageReference,
  box: z
    .array(z.number())
    .length(4)
    .describe("The region [x1, y1, x2, y2]: top-left and bottom-right corners."),
  coordinates: coordinatesArgument,
  label: z.string().max(200).optional().describe("What the region shows, for the record."),
  scale: z
    .number()
    .gt(0)
    .max(maximumZoom)
    .optional()
    .describe(
      "Enlarge the crop by this factor. Default: small crops grow until the shorter side is ~512 px (at most 4x).",
    ),
});
export type CropArguments = z.input<typeof cropArguments>;

/** The zoom used when the caller gives none: enough to make the shorter side ~512 px, at most 4x. */
export function automaticZoom(width: number, height: number): number {
  const shorter = Math.min(width, height);
  return Math.min(maximumAutomaticZoom, Math.max(1, zoomTargetShortSide / shorter));
}

function formatBox(box: readonly number[]): string {
  return `[${box.map((value) => Number(value.toFixed(4))).join(", ")}]`;
}

export function cropTool(config: ImageConfig): Tool<z.output<typeof cropArguments>> {
  return {
    name: "crop",
    description:
      "Crop a region of an image and zoom into it. Returns a new image of that region at full resolution " +
      "(small regions are enlarged). Use it to read small text or inspect details.",
    parameters: cropArguments,
    async execute(args, context): Promise<ToolResult> {
      const source = resolveImage(context, args.image);
      const system: CoordinateSystem = args.coordinates;
      const view = viewSizeFor(system, source, context);
      const pixelBox = toPixelBox(args.box, system, source.width, source.height, view);
      const [x1, y1, x2, y2] = pixelBox;
      const cropWidth = x2 - x1;
      const cropHeight = y2 - y1;
      const scale = args.scale ?? automaticZoom(cropWidth, cropHeight);
      const outputWidth = Math.max(1, Math.round(cropWidth * scale));
      const outputHeight = Math.max(1, Math.round(cropHeight * scale));
      const inRoot = boxInRoot(context.images, source.id, pixelBox);
      const parameters: Record<string, unknown> = {
        box: [...args.box],
        coordinates: system,
        ...(view ? { viewSize: [view.width, view.height] } : {}),
        pixelBox,
        scale: Number(scale.toFixed(4)),
        ...(args.label === undefined ? {} : { label: args.label }),
        ...(inRoot ? { originalBox: inRoot.box, root: inRoot.root } : {}),
      };
      const produced = await produceImage(context, config, source, {
        name: imageOperations.crop,
        parameters,
        outputSize: { width: outputWidth, height: outputHeight },
        operate: (pipeline) => {
          const extracted = pipeline.extract({ left: x1, top: y1, width: cropWidth, height: cropHeight });
          return outputWidth === cropWidth && outputHeight === cropHeight
            ? extracted
            : extracted.resize(outputWidth, outputHeight, { fit: "fill", kernel: "lanczos3" });
        },
      });
      const rootLabel = inRoot ? context.images.byId(inRoot.root)?.label : undefined;
      const text = describeCrop(
        source,
        { box: args.box, system, view, pixelBox, scale },
        inRoot,
        rootLabel,
        produced,
      );
      return { text, images: [produced] };
    },
  };
}

function describeCrop(
  source: ImageRef,
  request: {
    box: readonly number[];
    system: CoordinateSystem;
    view: ViewSize | undefined;
    pixelBox: PixelBox;
    scale: number;
  },
  inRoot: BoxInRoot | undefined,
  rootLabel: string | undefined,
  produced: ImageRef,
): string {
  const { box, system, view, pixelBox, scale } = request;
  const systemName = view ? `view of ${view.width}x${view.height}` : system;
  let text = `Cropped ${source.label} ${formatBox(box)} (${systemName})`;
  if (formatBox(box) !== formatBox(pixelBox)) text += ` = pixels ${formatBox(pixelBox)}`;
  text += ` -> ${describeImage(produced)}`;
  if (Math.abs(scale - 1) > 1e-3) text += ` (zoomed ${Number(scale.toFixed(2))}x)`;
  if (inRoot && rootLabel && inRoot.root !== source.id)
    text += `; in ${rootLabel} this is ${formatBox(inRoot.box)}`;
  return `${text}.`;
}
