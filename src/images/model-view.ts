import sharp from "sharp";
import type { ImageConfig } from "../core/config.js";
import { describeError, LoupeError } from "../core/errors.js";
import type { ImageRef } from "../core/images.js";
import { type SentBytes, sharedViewCache, type ViewCache } from "./view-cache.js";

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

/** What viewSizeSent reads of an image: its reference, and what its stored bytes say, where known. */
export type ViewSubject = Pick<ImageRef, "width" | "height" | "mime" | "provenance"> & {
  /**
   * The stored bytes are one frame with no EXIF rotation (orientation 1 or none). Only a decoder
   * can tell, so bytesSentToModel reads it from the bytes; where unknown, an input is re-encoded.
   */
  plain?: boolean;
};

/**
 * The one rule for what the model is sent for an image, which the agent follows when it sends
 * images and the tools follow when they read `view` coordinates back. Anything in a format every
 * server takes may go as it is, when re-encoding would only cost time and quality (and make a
 * small JPEG bigger):
 * - a tool output (upright and plain by construction) whose size fits the view's pixel budget
 *   (the server's processor rounds sizes to its patch grid itself);
 * - an input that is plain (`plain`) and whose size the view would not change: on the factor
 *   grid within [minPixels, maxPixels] for smart-resize, within the budget for max-pixels, any
 *   size for original.
 * Anything else goes through encodeForModel, sized by modelViewSize. Image sizes in an ImageRef
 * are already upright, as encodeForModel's are, so an input's size here never depends on
 * `plain`: the tools, which do not know it, read the same view size as the wire sends.
 */
export function viewSizeSent(ref: ViewSubject, view: ModelView): ViewSent {
  const { width, height } = ref;
  if (passThroughMimes.has(ref.mime)) {
    if (ref.provenance.kind === "tool" && fitsBudget(width, height, view))
      return { width, height, unchanged: true };
    const size = modelViewSize(width, height, view);
    const unchanged = ref.plain === true && size.width === width && size.height === height;
    return { ...size, unchanged };
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
 * they go unchanged, else the encoded view, from the process's view cache (keyed by the image's
 * hash and the view's settings). Python gets the same bytes as `image_N` where the profile gives
 * code the image the model saw.
 */
export async function bytesSentToModel(
  ref: Pick<ImageRef, "id" | "width" | "height" | "mime" | "provenance">,
  bytes: Uint8Array,
  view: ModelView,
  cache: ViewCache = sharedViewCache,
): Promise<SentBytes> {
  const subject: ViewSubject = { ...ref };
  // Only an input that could go unchanged needs its header read (a fraction of a millisecond).
  if (ref.provenance.kind === "input" && viewSizeSent({ ...ref, plain: true }, view).unchanged)
    subject.plain = await isPlain(bytes);
  if (viewSizeSent(subject, view).unchanged) return { bytes, mime: ref.mime };
  return cache.get(viewCacheKey(ref.id, view), async () => {
    const encoded = await encodeForModel(bytes, view);
    return { bytes: encoded.bytes, mime: encoded.mime };
  });
}

/** One frame, no EXIF rotation: the bytes look to a server as they look to Loupe's tools. */
async function isPlain(bytes: Uint8Array): Promise<boolean> {
  try {
    const metadata = await sharp(bytes).metadata();
    return (metadata.orientation ?? 1) === 1 && (metadata.pages ?? 1) === 1;
  } catch {
    return false;
  }
}

function viewCacheKey(imageId: string, view: ModelView): string {
  const { strategy, factor, minPixels, maxPixels, format, quality } = view;
  return `${imageId}:${strategy}:${factor}:${minPixels}:${maxPixels}:${format}:${quality}`;
}
