import type { Sharp } from "sharp";
import type { ImageConfig } from "../../core/config.js";
import type { ImageRef } from "../../core/images.js";
import type { ToolContext } from "../../core/tool.js";
import { assertPixelLimit } from "../../images/load-image.js";
import { type DecodedImage, decodedImageCache, pipelineFrom } from "./decoded-image-cache.js";

/** JPEG quality of produced images: high enough that zoomed text keeps crisp edges. */
export const producedJpegQuality = 92;

export interface EncodedOutput {
  bytes: Uint8Array;
  mime: string;
  width: number;
  height: number;
}

/**
 * One rule for every produced image: a PNG source stays PNG (screenshots, charts and documents,
 * where JPEG ringing blurs small text, and transparency survives); anything else becomes JPEG at
 * quality 92, flattened onto white, since photos gain nothing from PNG but size.
 */
export function outputMimeFor(sourceMime: string): "image/png" | "image/jpeg" {
  return sourceMime === "image/png" ? "image/png" : "image/jpeg";
}

export async function encodeOutput(
  pipeline: Sharp,
  mime: "image/png" | "image/jpeg",
): Promise<EncodedOutput> {
  const encoded =
    mime === "image/png"
      ? pipeline.png()
      : pipeline.flatten({ background: "#ffffff" }).jpeg({ quality: producedJpegQuality });
  const { data, info } = await encoded.toBuffer({ resolveWithObject: true });
  return { bytes: new Uint8Array(data), mime, width: info.width, height: info.height };
}

/** The decoded pixels of a run image, through the run's cache. */
export function decodedPixels(
  context: ToolContext,
  image: ImageRef,
  config: ImageConfig,
): Promise<DecodedImage> {
  return decodedImageCache(context.state).get(image.id, context.images.bytes(image.id), config);
}

/**
 * Runs an operation on a run image and adds the result to the run: decode (cached), let
 * `operate` build the sharp pipeline, check the announced output size against the pixel limit
 * before any work, encode, and record provenance.
 */
export async function produceImage(
  context: ToolContext,
  config: ImageConfig,
  source: ImageRef,
  operation: {
    name: string;
    parameters: Record<string, unknown>;
    /** The output size, known before encoding, so oversized results are refused up front. */
    outputSize: { width: number; height: number };
    /** Per-pixel work sharp cannot do, applied to a copy of the decoded pixels first. */
    transformPixels?: ((decoded: DecodedImage) => DecodedImage) | undefined;
    operate(pipeline: Sharp, decoded: DecodedImage): Sharp;
  },
): Promise<ImageRef> {
  context.signal.throwIfAborted();
  const { width, height } = operation.outputSize;
  assertPixelLimit(Math.round(width), Math.round(height), config, `The ${operation.name} result`);
  const cached = await decodedPixels(context, source, config);
  const decoded = operation.transformPixels ? operation.transformPixels(cached) : cached;
  const pipeline = operation.operate(pipelineFrom(decoded, config), decoded);
  const output = await encodeOutput(pipeline, outputMimeFor(source.mime));
  return context.addImage(
    output.bytes,
    { mime: output.mime, width: output.width, height: output.height },
    { operation: operation.name, parameters: operation.parameters, parent: source.id },
  );
}

/** "image_3, 812x540": how results name what they made. */
export function describeImage(image: ImageRef): string {
  return `${image.label}, ${image.width}x${image.height}`;
}
