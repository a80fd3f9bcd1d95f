import type { ImageConfig } from "../core/config.js";
import { describeError } from "../core/errors.js";
import type { ImageSet } from "../core/image-set.js";
import type { ImageRef } from "../core/images.js";
import { readCheckedImage } from "../images/load-image.js";
import type { TranscriptImage } from "../models/skywork-transcript.js";

/** Where a hosted step's images came from, for their provenance. */
export interface HostedImageOrigin {
  /** The Loupe tool the step's action maps to (python for R1V4's code). */
  tool: string;
  callId: string;
  step: number;
}

export interface HostedObservation {
  /** The observation text with each data URL replaced by the image's `<sub-image N>` name. */
  text: string;
  images: ImageRef[];
}

/**
 * Adds the images a hosted run's code produced (data URLs in an observation) to the run's
 * ImageSet as tool images, each checked as an input image is (bytes, pixels, a full decode), and
 * names each in the text as R1V4 does: `<sub-image N>`, N counting the images the run produced.
 * An image that cannot be used is left out with a note in its place, so the text says so.
 */
export async function recordHostedImages(
  observation: string,
  found: readonly TranscriptImage[],
  images: ImageSet,
  config: ImageConfig,
  origin: HostedImageOrigin,
): Promise<HostedObservation> {
  let text = observation;
  const added: ImageRef[] = [];
  for (const [index, image] of found.entries()) {
    const name = `image ${index + 1} of step ${origin.step}'s observation`;
    const ref = image.bytes
      ? await addChecked(image.bytes, name, images, config, origin)
      : (image.error ?? "it could not be read");
    if (typeof ref === "string") {
      text = text.replace(image.url, `[an image (${image.mime}) was left out: ${ref}]`);
      continue;
    }
    if (!added.includes(ref)) added.push(ref);
    text = text.replace(image.url, `<sub-image ${subImageNumber(ref, images)}>`);
  }
  return { text, images: added };
}

async function addChecked(
  bytes: Uint8Array,
  name: string,
  images: ImageSet,
  config: ImageConfig,
  origin: HostedImageOrigin,
): Promise<ImageRef | string> {
  try {
    const facts = await readCheckedImage(bytes, config, name);
    return images.add(bytes, facts, {
      kind: "tool",
      tool: origin.tool,
      operation: "hosted",
      parameters: {},
      callId: origin.callId,
      step: origin.step,
    });
  } catch (error) {
    return describeError(error);
  }
}

/** The image's number among the images the run produced (everything but its inputs), from 1. */
function subImageNumber(image: ImageRef, images: ImageSet): number {
  return (
    images
      .list()
      .filter((candidate) => candidate.provenance.kind !== "input")
      .indexOf(image) + 1
  );
}
