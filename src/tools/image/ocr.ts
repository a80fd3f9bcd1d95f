import { z } from "zod";
import type { ImageConfig } from "../../core/config.js";
import { describeError, LoupeError } from "../../core/errors.js";
import type { Tool, ToolResult } from "../../core/tool.js";
import type { ToolOutputData } from "../../core/tool-output.js";
import { type PixelBox, toPixelBox } from "./coordinates.js";
import { pipelineFrom } from "./decoded-image-cache.js";
import { decodedPixels } from "./produce-image.js";
import { acquireTesseractWorker, releaseTesseractWorker } from "./tesseract-worker.js";
import { coordinatesArgument, imageReference, resolveImage, viewSizeFor } from "./tool-arguments.js";

export const ocrArguments = z.object({
  image: imageReference,
  box: z.array(z.number()).length(4).optional().describe("Read only this region [x1, y1, x2, y2]."),
  coordinates: coordinatesArgument,
});
export type OcrArguments = z.output<typeof ocrArguments>;

type OcrWord = Extract<ToolOutputData, { kind: "ocr" }>["words"][number];

/** Tesseract reads small print poorly; regions with a shorter side under this are enlarged 2x. */
const smallRegionSide = 400;

export function ocrTool(config: ImageConfig): Tool<OcrArguments> {
  return {
    name: "ocr",
    description:
      "Read the text in an image (or in a box of it) with OCR. Returns the text and each word's " +
      "confidence and pixel box in the image.",
    parameters: ocrArguments,
    async execute(args, context): Promise<ToolResult> {
      const source = resolveImage(context, args.image);
      const region: PixelBox = args.box
        ? toPixelBox(
            args.box,
            args.coordinates,
            source.width,
            source.height,
            viewSizeFor(args.coordinates, source, context),
          )
        : [0, 0, source.width, source.height];
      const [left, top, right, bottom] = region;
      const decoded = await decodedPixels(context, source, config);
      // The enlarged copy is an image Loupe makes, so it keeps to the same pixel limit as the rest.
      const small = Math.min(right - left, bottom - top) < smallRegionSide;
      const enlarge = small && 4 * (right - left) * (bottom - top) <= config.maxInputPixels ? 2 : 1;
      let pipeline = pipelineFrom(decoded, config).extract({
        left,
        top,
        width: right - left,
        height: bottom - top,
      });
      if (enlarge > 1) pipeline = pipeline.resize((right - left) * enlarge, (bottom - top) * enlarge);
      // Raw pixels carry no resolution; tesseract assumes a nonsense one (and warns) without it.
      const png = await pipeline.withDensity(300).png({ compressionLevel: 1 }).toBuffer();
      const worker = await acquireTesseractWorker(context.state);
      let page: Awaited<ReturnType<typeof worker.recognize>>["data"];
      try {
        page = (await worker.recognize(png, {}, { text: true, blocks: true })).data;
      } catch (error) {
        throw new LoupeError("tool-failed", `OCR failed on ${source.label}: ${describeError(error)}`, {
          cause: error,
        });
      }
      const words: OcrWord[] = [];
      for (const block of page.blocks ?? []) {
        for (const paragraph of block.paragraphs) {
          for (const line of paragraph.lines) {
            for (const word of line.words) {
              if (!word.text.trim()) continue;
              // Back from the (possibly enlarged) region to pixels of the whole image.
              const toX = (value: number) => Math.round(left + value / enlarge);
              const toY = (value: number) => Math.round(top + value / enlarge);
              words.push({
                text: word.text,
                confidence: Math.round(word.confidence * 10) / 10,
                box: [toX(word.bbox.x0), toY(word.bbox.y0), toX(word.bbox.x1), toY(word.bbox.y1)],
              });
            }
          }
        }
      }
      const text = page.text.trim();
      const where = args.box ? `${source.label} [${region.join(", ")}]` : source.label;
      return {
        text: text ? `Text in ${where}:\n${text}` : `No text found in ${where}.`,
        images: [],
        data: { kind: "ocr", text, words },
      };
    },
    dispose: (state) => releaseTesseractWorker(state),
  };
}
