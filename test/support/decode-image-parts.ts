import sharp from "sharp";

/** The data-URL images of the last user message that carries images in a recorded request. */
export function lastRequestImages(body: { messages: { role: string; content: unknown }[] }): Buffer[] {
  for (const message of [...body.messages].reverse()) {
    if (message.role !== "user" || !Array.isArray(message.content)) continue;
    const urls = (message.content as { type: string; image_url?: { url: string } }[])
      .filter((part) => part.type === "image_url" && part.image_url)
      .map((part) => part.image_url!.url);
    if (urls.length > 0) return urls.map(decodeDataUrl);
  }
  return [];
}

export function decodeDataUrl(url: string): Buffer {
  const match = /^data:[^;]+;base64,(.*)$/.exec(url);
  if (!match) throw new Error(`not a data URL: ${url.slice(0, 40)}`);
  return Buffer.from(match[1]!, "base64");
}

/**
 * Mean absolute difference per channel (0..255) between an image and a region of another,
 * after resizing the region to the image's size: small when the image shows that region.
 */
export async function regionDifference(
  image: Buffer,
  original: string | Buffer,
  region: { left: number; top: number; width: number; height: number },
): Promise<number> {
  const target = await sharp(image).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const expected = await sharp(original)
    .rotate()
    .extract(region)
    .resize(target.info.width, target.info.height, { fit: "fill" })
    .removeAlpha()
    .raw()
    .toBuffer();
  let total = 0;
  for (let index = 0; index < expected.length; index++)
    total += Math.abs(expected[index]! - target.data[index]!);
  return total / expected.length;
}
