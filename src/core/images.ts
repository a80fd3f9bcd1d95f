import { createHash } from "node:crypto";

/** Where an image of a trajectory came from: a user input, or a tool applied to another image. */
export type ImageProvenance =
  | { kind: "input"; source: string }
  | {
      kind: "tool";
      tool: string;
      operation: string;
      parameters: Record<string, unknown>;
      /** Image id the operation was applied to, when there was one. */
      parent?: string;
      callId: string;
      step: number;
    };

/**
 * A content-addressed image: `id` is the sha256 of its encoded bytes. The bytes themselves live
 * in an ImageSet (in memory during a run) or in a trajectory folder (on disk), fetched on demand.
 */
export interface ImageRef {
  id: string;
  /** The name the model and the user see: image_1, image_2, ... in order of appearance. */
  label: string;
  mime: string;
  width: number;
  height: number;
  byteLength: number;
  provenance: ImageProvenance;
  /** Every value of every pixel is 250 or more: a blank plot or canvas (DeepEyesV2's eval drops these). */
  nearlyWhite?: boolean;
}

/** Facts about encoded image bytes that only a decoder can tell; supplied by the caller. */
export interface ImageFacts {
  mime: string;
  width: number;
  height: number;
  nearlyWhite?: boolean;
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

export function imageLabel(index: number): string {
  return `image_${index}`;
}

export function extensionForMime(mime: string): string {
  const known: Record<string, string> = {
    "image/png": "png",
    "image/jpeg": "jpg",
    "image/webp": "webp",
    "image/gif": "gif",
    "image/tiff": "tiff",
    "image/avif": "avif",
  };
  return known[mime] ?? "bin";
}
