import type { ImageConfig } from "../../core/config.js";
import type { AnyTool } from "../../core/tool.js";
import { annotateTool } from "./annotate.js";
import { cropTool } from "./crop.js";
import { releaseDecodedImageCache } from "./decoded-image-cache.js";
import { enhanceTool } from "./enhance.js";
import { flipTool } from "./flip.js";
import { ocrTool } from "./ocr.js";
import { resizeTool } from "./resize.js";
import { rotateTool } from "./rotate.js";

export { type BoxInRoot, boxInRoot, imageOperations } from "./box-in-root.js";
export {
  type CoordinateSystem,
  coordinateSystems,
  type PixelBox,
  toPixelBox,
  toPixelPoint,
  type ViewSize,
} from "./coordinates.js";
export { DecodedImageCache, decodedImageCache } from "./decoded-image-cache.js";
export {
  assertPixelLimit,
  type LoadedImage,
  type LoadImageOptions,
  loadInputImage,
  readImageFacts,
} from "./load-image.js";
export {
  encodeForModel,
  type ModelView,
  modelViewSize,
  smartResize,
  type ViewSent,
  viewSizeSent,
} from "./model-view.js";

/** The image tools (crop, rotate, flip, resize, enhance, annotate, ocr) for one configuration. */
export function imageTools(config: ImageConfig): AnyTool[] {
  const tools: AnyTool[] = [
    cropTool(config),
    rotateTool(config),
    flipTool(config),
    resizeTool(config),
    enhanceTool(config),
    annotateTool(config),
  ];
  // Every image tool may have filled the run's decode cache; whichever is disposed first frees it.
  for (const tool of tools) tool.dispose = (state) => releaseDecodedImageCache(state);
  const ocr = ocrTool(config);
  return [
    ...tools,
    {
      ...ocr,
      dispose: async (state) => {
        releaseDecodedImageCache(state);
        await ocr.dispose?.(state);
      },
    },
  ];
}
