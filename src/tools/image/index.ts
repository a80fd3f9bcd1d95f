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

export {
  assertPixelLimit,
  type LoadedImage,
  type LoadImageOptions,
  loadInputImage,
  readImageFacts,
} from "../../images/load-image.js";
export {
  encodeForModel,
  type ModelView,
  modelViewSize,
  smartResize,
  type ViewSent,
  viewSizeSent,
} from "../../images/model-view.js";
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

/** One image tool, made for a configuration; the tool registry registers each by name. */
export interface ImageToolFactory {
  name: string;
  create(config: ImageConfig): AnyTool;
}

/**
 * Every image tool may have filled the run's decode cache; whichever is disposed first frees it,
 * then the tool releases what is its own (OCR's worker).
 */
function releasingDecodeCache(tool: AnyTool): AnyTool {
  return {
    ...tool,
    kind: "image",
    dispose: async (state) => {
      releaseDecodedImageCache(state);
      await tool.dispose?.(state);
    },
  };
}

/** The image tools, in the order listings and all-tool dialects show them. */
export const imageToolFactories: readonly ImageToolFactory[] = (
  [
    ["crop", cropTool],
    ["rotate", rotateTool],
    ["flip", flipTool],
    ["resize", resizeTool],
    ["enhance", enhanceTool],
    ["annotate", annotateTool],
    ["ocr", ocrTool],
  ] as const
).map(([name, make]) => ({ name, create: (config: ImageConfig) => releasingDecodeCache(make(config)) }));

/** The image tools (crop, rotate, flip, resize, enhance, annotate, ocr) for one configuration. */
export function imageTools(config: ImageConfig): AnyTool[] {
  return imageToolFactories.map((factory) => factory.create(config));
}
