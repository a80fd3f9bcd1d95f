import { z } from "zod";
import type { ImageConfig } from "../../core/config.js";
import { LoupeError } from "../../core/errors.js";
import type { Tool, ToolResult } from "../../core/tool.js";
import {
  annotationPalette,
  annotationSvg,
  type BoxAnnotation,
  type PointAnnotation,
} from "./annotation-overlay.js";
import { imageOperations } from "./box-in-root.js";
import { type PixelBox, toPixelPoint } from "./coordinates.js";
import { describeImage, produceImage } from "./produce-image.js";
import { colour, coordinatesArgument, imageReference, resolveImage, viewSizeFor } from "./tool-arguments.js";

export const annotateArguments = z.object({
  image: imageReference,
  coordinates: coordinatesArgument,
  boxes: z
    .array(
      z.object({
        box: z.array(z.number()).length(4).describe("[x1, y1, x2, y2]"),
        label: z.string().max(100).optional(),
        color: colour.optional(),
      }),
    )
    .max(100)
    .optional(),
  points: z
    .array(
      z.object({
        x: z.number(),
        y: z.number(),
        label: z.string().max(100).optional(),
        color: colour.optional(),
      }),
    )
    .max(100)
    .optional(),
});
export type AnnotateArguments = z.output<typeof annotateArguments>;

export function annotateTool(config: ImageConfig): Tool<AnnotateArguments> {
  return {
    name: "annotate",
    description:
      "Draw labelled boxes and points on an image, to mark what you found or to count objects. " +
      "Returns a new image with the marks.",
    parameters: annotateArguments,
    async execute(args, context): Promise<ToolResult> {
      const source = resolveImage(context, args.image);
      const { width, height } = source;
      const view = viewSizeFor(args.coordinates, source, context);
      const requestedBoxes = args.boxes ?? [];
      const requestedPoints = args.points ?? [];
      if (requestedBoxes.length === 0 && requestedPoints.length === 0) {
        throw new LoupeError("tool-input", "Annotate needs at least one box or point.");
      }
      let nextColour = 0;
      const pickColour = (given: string | undefined) =>
        given ?? annotationPalette[nextColour++ % annotationPalette.length]!;
      const boxes: BoxAnnotation[] = requestedBoxes.map((entry) => {
        const [ax, ay, bx, by] = entry.box as [number, number, number, number];
        const [x1, y1] = toPixelPoint(
          Math.min(ax, bx),
          Math.min(ay, by),
          args.coordinates,
          width,
          height,
          view,
        );
        const [x2, y2] = toPixelPoint(
          Math.max(ax, bx),
          Math.max(ay, by),
          args.coordinates,
          width,
          height,
          view,
        );
        if (x2 <= x1 || y2 <= y1) {
          throw new LoupeError(
            "tool-input",
            `Box ${JSON.stringify(entry.box)} (${args.coordinates}) has no area inside the ${width}x${height} image.`,
          );
        }
        const box: PixelBox = [x1, y1, x2, y2];
        return { box, label: entry.label, colour: pickColour(entry.color) };
      });
      const points: PointAnnotation[] = requestedPoints.map((entry) => {
        const [x, y] = toPixelPoint(entry.x, entry.y, args.coordinates, width, height, view);
        return { x, y, label: entry.label, colour: pickColour(entry.color) };
      });
      const svg = annotationSvg(width, height, boxes, points);
      const produced = await produceImage(context, config, source, {
        name: imageOperations.annotate,
        parameters: {
          boxes: boxes.map(({ box, label, colour: colourName }) => ({ box, label, color: colourName })),
          points: points.map(({ x, y, label, colour: colourName }) => ({ x, y, label, color: colourName })),
        },
        outputSize: { width, height },
        operate: (pipeline) => pipeline.composite([{ input: Buffer.from(svg), top: 0, left: 0 }]),
      });
      const marks = [
        boxes.length > 0 ? `${boxes.length} box${boxes.length === 1 ? "" : "es"}` : "",
        points.length > 0 ? `${points.length} point${points.length === 1 ? "" : "s"}` : "",
      ]
        .filter(Boolean)
        .join(" and ");
      return {
        text: `Annotated ${source.label} with ${marks} -> ${describeImage(produced)}.`,
        images: [produced],
      };
    },
  };
}
