import sharp from "sharp";
import type { ImageConfig } from "../../core/config.js";
import { describeError, LoupeError } from "../../core/errors.js";
import type { ImageRef } from "../../core/images.js";

export type ModelView = ImageConfig["modelView"];

/** Qwen's limit: images longer than 200 times their width (or the reverse) are refused upstream too. */
export const maximumModelAspectRatio = 200;

export interface EncodedView {
  bytes: Uint8Array;
  mime: string;
  width: number;
  height: number;
}

/** Python's round(): halves go to the even neighbour, which is what upstream smart_resize uses. */
function roundHalfToEven(value: number): number {
  const floor = Math.floor(value);
  const difference = value - floor;
  if (difference > 0.5) return floor + 1;
  if (difference < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

/**
 * Qwen2-VL / Qwen2.5-VL's smart_resize (qwen_vl_utils): each side rounded to a multiple of
 * `factor`, then, if the area is outside [minPixels, maxPixels], both sides scaled by the same
 * factor (floored when shrinking, ceiled when growing) so the aspect ratio is kept. Returns
 * [height, width] in the upstream argument order.
 */
export function smartResize(
  height: number,
  width: number,
  options: { factor: number; minPixels: number; maxPixels: number },
): [number, number] {
  const { factor, minPixels, maxPixels } = options;
  if (Math.max(height, width) / Math.min(height, width) > maximumModelAspectRatio) {
    throw new LoupeError(
      "image-invalid",
      `An image of ${width}x${height} has an aspect ratio over ${maximumModelAspectRatio}, which the model cannot take.`,
    );
  }
  let resizedHeight = Math.max(factor, roundHalfToEven(height / factor) * factor);
  let resizedWidth = Math.max(factor, roundHalfToEven(width / factor) * factor);
  if (resizedHeight * resizedWidth > maxPixels) {
    const beta = Math.sqrt((height * width) / maxPixels);
    resizedHeight = Math.max(factor, Math.floor(height / beta / factor) * factor);
    resizedWidth = Math.max(factor, Math.floor(width / beta / factor) * factor);
  } else if (resizedHeight * resizedWidth < minPixels) {
    const beta = Math.sqrt(minPixels / (height * width));
    resizedHeight = Math.ceil((height * beta) / factor) * factor;
    resizedWidth = Math.ceil((width * beta) / factor) * factor;
  }
  return [resizedHeight, resizedWidth];
}

/** The size the model sees an image of `width` x `height` at, under the view's strategy. */
export function modelViewSize(
  width: number,
  height: number,
  view: ModelView,
): { width: number; height: number } {
  if (view.strategy === "smart-resize") {
    const [resizedHeight, resizedWidth] = smartResize(height, width, view);
    return { width: resizedWidth, height: resizedHeight };
  }
  if (view.strategy === "max-pixels" && width * height > view.maxPixels) {
    const scale = Math.sqrt(view.maxPixels / (width * height));
    return { width: Math.max(1, Math.floor(width * scale)), height: Math.max(1, Math.floor(height * scale)) };
  }
  return { width, height };
}

const mimeByFormat = { jpeg: "image/jpeg", png: "image/png", webp: "image/webp" } as const;
/** Formats every OpenAI-compatible server takes as they are, for the "original" strategy. */
const passThroughFormats = new Set(["jpeg", "png", "webp"]);
const passThroughMimes = new Set<string>(Object.values(mimeByFormat));

/** How an image goes to the model: its size there, and whether its stored bytes go unchanged. */
export interface ViewSent {
  width: number;
  height: number;
  /** True when the stored bytes are sent as they are; false when encodeForModel re-encodes them. */
  unchanged: boolean;
}

/**
 * The one rule for what the model is sent for an image, which the agent follows when it sends
 * images and the tools follow when they read `view` coordinates back. Tool outputs are upright
 * and plain (no EXIF rotation), so one in a format every server takes whose size already fits
 * the view's pixel budget goes as it is: re-encoding would only cost time and quality. Anything
 * else (every input, every oversized output) goes through encodeForModel, sized by
 * modelViewSize. Image sizes in an ImageRef are already upright, as encodeForModel's are.
 */
export function viewSizeSent(
  ref: Pick<ImageRef, "width" | "height" | "mime" | "provenance">,
  view: ModelView,
): ViewSent {
  const { width, height } = ref;
  if (ref.provenance.kind === "tool" && passThroughMimes.has(ref.mime) && fitsBudget(width, height, view)) {
    return { width, height, unchanged: true };
  }
  return { ...modelViewSize(width, height, view), unchanged: false };
}

function fitsBudget(width: number, height: number, view: ModelView): boolean {
  if (view.strategy === "original") return true;
  const pixels = width * height;
  if (view.strategy === "max-pixels") return pixels <= view.maxPixels;
  const aspectRatio = Math.max(width, height) / Math.max(1, Math.min(width, height));
  return pixels >= view.minPixels && pixels <= view.maxPixels && aspectRatio <= maximumModelAspectRatio;
}

/**
 * Encodes an image the way the model should see it: upright per EXIF, sized by the view's
 * strategy, in the view's format. The stored original is never changed; the agent caches the
 * result per image for the run.
 */
export async function encodeForModel(bytes: Uint8Array, view: ModelView): Promise<EncodedView> {
  try {
    const metadata = await sharp(bytes).metadata();
    const { width, height } = metadata.autoOrient;
    const upright = metadata.orientation === undefined || metadata.orientation === 1;
    if (view.strategy === "original" && upright && passThroughFormats.has(metadata.format)) {
      return { bytes, mime: mimeByFormat[metadata.format as keyof typeof mimeByFormat], width, height };
    }
    const size = modelViewSize(width, height, view);
    let pipeline = sharp(bytes, { autoOrient: true });
    if (size.width !== width || size.height !== height) {
      pipeline = pipeline.resize(size.width, size.height, { fit: "fill", kernel: "lanczos3" });
    }
    if (view.format === "jpeg")
      pipeline = pipeline.flatten({ background: "#ffffff" }).jpeg({ quality: view.quality });
    else if (view.format === "webp") pipeline = pipeline.webp({ quality: view.quality });
    else pipeline = pipeline.png();
    const { data, info } = await pipeline.toBuffer({ resolveWithObject: true });
    return {
      bytes: new Uint8Array(data),
      mime: mimeByFormat[view.format],
      width: info.width,
      height: info.height,
    };
  } catch (error) {
    if (error instanceof LoupeError) throw error;
    throw new LoupeError("image-invalid", `Cannot encode the image for the model: ${describeError(error)}.`, {
      cause: error,
    });
  }
}

/**
 * The bytes the model is sent for an image, by the rule of viewSizeSent: the stored bytes when
 * they go unchanged, else the encoded view. Python gets the same bytes as `image_N` where the
 * profile gives code the image the model saw.
 */
export async function bytesSentToModel(
  ref: Pick<ImageRef, "width" | "height" | "mime" | "provenance">,
  bytes: Uint8Array,
  view: ModelView,
): Promise<{ bytes: Uint8Array; mime: string }> {
  if (viewSizeSent(ref, view).unchanged) return { bytes, mime: ref.mime };
  const encoded = await encodeForModel(bytes, view);
  return { bytes: encoded.bytes, mime: encoded.mime };
}
