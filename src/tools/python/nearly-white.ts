import sharp from "sharp";

/** The lowest value that still counts as white: DeepEyesV2's eval tests every value against it. */
const whiteThreshold = 250;

/**
 * Whether every value of every channel of an image is 250 or more: an empty canvas or a plot that
 * drew nothing, which DeepEyesV2's eval leaves out of what the model is shown. Decodes to raw
 * pixels and stops at the first darker value, so an ordinary image costs little more than its
 * decode. An image that cannot be read is not called white (the caller reports it).
 */
export async function isNearlyWhite(bytes: Uint8Array): Promise<boolean> {
  try {
    const pixels = await sharp(bytes).removeAlpha().raw().toBuffer();
    for (const value of pixels) if (value < whiteThreshold) return false;
    return pixels.length > 0;
  } catch {
    return false;
  }
}
