import sharp from "sharp";
import { type OpenCv, openCv } from "./opencv-runtime.js";

/**
 * Local features for reverse image search: ORB keypoints (FAST corners, oriented, over an 8-level
 * pyramid) with their 256-bit rBRIEF descriptors, from OpenCV. ORB is invariant to rotation and
 * to moderate scale changes, and its binary tests compare pixels with each other, so brightness,
 * contrast, saturation and greyscale changes leave most descriptors within a few bits. Every
 * image is first reduced to a grey "frame" whose longer side is FRAME_SIDE (small queries are
 * enlarged to it, so a 20 % resize still yields corners at the same scale as the original).
 * Keypoints are kept in frame pixels; `scale` turns them into the image's own pixels.
 */
export const FRAME_SIDE = 480;
/** Features kept per indexed image: the strongest by Harris score. */
export const INDEXED_FEATURES = 300;
/** Features of a query: more than indexed, so a crop still has its share of the kept ones. */
export const QUERY_FEATURES = 500;
export const DESCRIPTOR_SIZE = 32;
/** Point coordinates are stored as 1/POINT_PRECISION frame pixels in 16 bits. */
const POINT_PRECISION = 64;

export interface LocalFeatures {
  /** The image's own size (after EXIF orientation). */
  width: number;
  height: number;
  frameWidth: number;
  frameHeight: number;
  count: number;
  /** x, y of each keypoint in frame pixels. */
  points: Float32Array;
  /** DESCRIPTOR_SIZE bytes per keypoint. */
  descriptors: Uint8Array;
}

export interface GreyFrame {
  width: number;
  height: number;
  frameWidth: number;
  frameHeight: number;
  pixels: Uint8Array;
}

/** Decodes any image sharp reads into the grey frame features are detected in. */
export async function greyFrame(input: Uint8Array | string): Promise<GreyFrame> {
  const image = sharp(input, { failOn: "error" }).rotate();
  const metadata = await image.metadata();
  const { data, info } = await image
    .resize(FRAME_SIDE, FRAME_SIDE, { fit: "inside", kernel: "cubic" })
    .greyscale()
    .normalise()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const swapped = (metadata.orientation ?? 1) >= 5;
  const width = (swapped ? metadata.height : metadata.width) ?? info.width;
  const height = (swapped ? metadata.width : metadata.height) ?? info.height;
  return {
    width,
    height,
    frameWidth: info.width,
    frameHeight: info.height,
    pixels: new Uint8Array(data.buffer, data.byteOffset, info.width * info.height),
  };
}

/** The frame flipped left to right: the mirror pass of a query (ORB itself is not mirror-invariant). */
export function mirrored(frame: GreyFrame): GreyFrame {
  const pixels = new Uint8Array(frame.pixels.length);
  const { frameWidth: width, frameHeight: height } = frame;
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) pixels[row + x] = frame.pixels[row + width - 1 - x]!;
  }
  return { ...frame, pixels };
}

let detectors: Map<number, unknown> | undefined;

function orb(cv: OpenCv, features: number): OpenCv {
  detectors ??= new Map();
  let detector = detectors.get(features);
  if (!detector) {
    // OpenCV's defaults (scale 1.2, 8 levels, FAST threshold 20, Harris ranking). The build
    // cannot take the full constructor (its ScoreType enum is unbound) and has no FAST threshold
    // setter; greyFrame stretches contrast instead, so low-contrast copies keep their corners.
    detector = new cv.ORB(features);
    detectors.set(features, detector);
  }
  return detector;
}

/** Cells per side of the grid over which indexed keypoints are spread (see spreadOverGrid). */
const SPREAD_GRID = 4;
/** Keypoints detected per keypoint kept when spreading. */
const SPREAD_OVERSAMPLING = 3;

/**
 * Keypoints are ranked by Harris response, so the strongest cluster where the picture is busiest
 * (a building) and a quiet corner (sky) keeps almost none: a crop of that corner then finds too
 * few partners. Indexed images keep the best keypoints of each grid cell first, then the best of
 * the rest, so any third of the picture holds about a third of its keypoints.
 */
function spreadOverGrid(
  points: Float32Array,
  responses: Float32Array,
  frame: GreyFrame,
  keep: number,
): number[] {
  const order = Array.from(responses.keys()).sort((a, b) => responses[b]! - responses[a]!);
  const quota = Math.ceil(keep / (SPREAD_GRID * SPREAD_GRID));
  const perCell = new Uint16Array(SPREAD_GRID * SPREAD_GRID);
  const chosen: number[] = [];
  const taken = new Uint8Array(order.length);
  for (const index of order) {
    const column = Math.min(
      SPREAD_GRID - 1,
      Math.floor((points[2 * index]! / frame.frameWidth) * SPREAD_GRID),
    );
    const row = Math.min(
      SPREAD_GRID - 1,
      Math.floor((points[2 * index + 1]! / frame.frameHeight) * SPREAD_GRID),
    );
    const cell = row * SPREAD_GRID + column;
    if (perCell[cell]! >= quota) continue;
    perCell[cell]!++;
    taken[index] = 1;
    chosen.push(index);
  }
  for (const index of order) {
    if (chosen.length >= keep) break;
    if (!taken[index]) chosen.push(index);
  }
  return chosen.slice(0, keep);
}

export async function detectFeatures(
  frame: GreyFrame,
  maxFeatures: number,
  spread = false,
): Promise<LocalFeatures> {
  const cv = await openCv();
  const mat = new cv.Mat(frame.frameHeight, frame.frameWidth, cv.CV_8UC1);
  const mask = new cv.Mat();
  const keypoints = new cv.KeyPointVector();
  const descriptors = new cv.Mat();
  try {
    mat.data.set(frame.pixels);
    orb(cv, spread ? maxFeatures * SPREAD_OVERSAMPLING : maxFeatures).detectAndCompute(
      mat,
      mask,
      keypoints,
      descriptors,
    );
    const detected = Math.min(keypoints.size(), descriptors.rows);
    const allPoints = new Float32Array(2 * detected);
    const responses = new Float32Array(detected);
    for (let index = 0; index < detected; index++) {
      const keypoint = keypoints.get(index);
      allPoints[2 * index] = keypoint.pt.x;
      allPoints[2 * index + 1] = keypoint.pt.y;
      responses[index] = keypoint.response;
    }
    const kept = spread
      ? spreadOverGrid(allPoints, responses, frame, maxFeatures)
      : Array.from({ length: detected }, (_, index) => index);
    const count = kept.length;
    const points = new Float32Array(2 * count);
    const bytes = new Uint8Array(count * DESCRIPTOR_SIZE);
    const all = descriptors.data as Uint8Array;
    for (const [position, index] of kept.entries()) {
      points[2 * position] = allPoints[2 * index]!;
      points[2 * position + 1] = allPoints[2 * index + 1]!;
      bytes.set(
        all.subarray(index * DESCRIPTOR_SIZE, (index + 1) * DESCRIPTOR_SIZE),
        position * DESCRIPTOR_SIZE,
      );
    }
    return {
      width: frame.width,
      height: frame.height,
      frameWidth: frame.frameWidth,
      frameHeight: frame.frameHeight,
      count,
      points,
      descriptors: bytes,
    };
  } finally {
    mat.delete();
    mask.delete();
    keypoints.delete();
    descriptors.delete();
  }
}

/** Features of an image to index. */
export async function describeLocalFeatures(input: Uint8Array | string): Promise<LocalFeatures> {
  return detectFeatures(await greyFrame(input), INDEXED_FEATURES, true);
}

/** Blob layout: frame width, frame height (uint16 each), then per keypoint x, y (uint16) and its descriptor. */
export function encodeFeatures(features: LocalFeatures): Buffer {
  const buffer = Buffer.alloc(4 + features.count * (4 + DESCRIPTOR_SIZE));
  buffer.writeUInt16LE(features.frameWidth, 0);
  buffer.writeUInt16LE(features.frameHeight, 2);
  for (let index = 0; index < features.count; index++) {
    buffer.writeUInt16LE(Math.round(features.points[2 * index]! * POINT_PRECISION), 4 + 4 * index);
    buffer.writeUInt16LE(Math.round(features.points[2 * index + 1]! * POINT_PRECISION), 6 + 4 * index);
  }
  buffer.set(features.descriptors, 4 + 4 * features.count);
  return buffer;
}

export function decodeFeatures(blob: Uint8Array, width: number, height: number): LocalFeatures {
  const view = Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength);
  const count = Math.floor((view.length - 4) / (4 + DESCRIPTOR_SIZE));
  const points = new Float32Array(2 * count);
  for (let index = 0; index < count; index++) {
    points[2 * index] = view.readUInt16LE(4 + 4 * index) / POINT_PRECISION;
    points[2 * index + 1] = view.readUInt16LE(6 + 4 * index) / POINT_PRECISION;
  }
  const start = 4 + 4 * count;
  return {
    width,
    height,
    frameWidth: view.readUInt16LE(0),
    frameHeight: view.readUInt16LE(2),
    count,
    points,
    descriptors: new Uint8Array(view.subarray(start, start + count * DESCRIPTOR_SIZE)),
  };
}
