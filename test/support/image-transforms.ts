import sharp, { type Sharp } from "sharp";
import { seededRandom } from "../../src/core/seeded-random.js";

/**
 * What people (and models) do to a picture before searching by it, made with sharp: every
 * transform of issue 14. Each takes encoded bytes and a seed (for the random offsets and sizes,
 * so a failing case replays) and returns encoded bytes. Shared by the image-search tests and
 * bench/search-index.ts.
 */
export type ImageTransform = (image: Buffer, seed: number) => Promise<Buffer>;

async function sizeOf(image: Buffer): Promise<{ width: number; height: number }> {
  const { width = 0, height = 0 } = await sharp(image).rotate().metadata();
  return { width, height };
}

const png = (pipeline: Sharp) => pipeline.png().toBuffer();

/** A crop covering `area` of the picture (aspect varied by up to 30 %), anywhere in it. */
export function cropOf(
  area: number,
  where: "random" | "top-left" | "bottom-right" = "random",
): ImageTransform {
  return async (image, seed) => {
    const { width, height } = await sizeOf(image);
    const next = seededRandom(seed);
    const aspect = where === "random" ? 0.7 + next() * 0.6 : 1;
    const side = Math.sqrt(area);
    const cropWidth = Math.max(8, Math.min(width, Math.round(width * side * Math.sqrt(aspect))));
    const cropHeight = Math.max(8, Math.min(height, Math.round((height * side) / Math.sqrt(aspect))));
    const left =
      where === "top-left"
        ? 0
        : where === "bottom-right"
          ? width - cropWidth
          : Math.floor(next() * (width - cropWidth + 1));
    const top =
      where === "top-left"
        ? 0
        : where === "bottom-right"
          ? height - cropHeight
          : Math.floor(next() * (height - cropHeight + 1));
    return png(sharp(image).rotate().extract({ left, top, width: cropWidth, height: cropHeight }));
  };
}

/** A random crop of 25-100 % of the area. */
export const anyCrop: ImageTransform = (image, seed) =>
  cropOf(0.25 + seededRandom(seed + 7)() * 0.75)(image, seed);

export const brightness =
  (factor: number): ImageTransform =>
  (image) =>
    png(sharp(image).rotate().modulate({ brightness: factor }));

/** Contrast around mid-grey: out = factor * (in - 128) + 128. */
export const contrast =
  (factor: number): ImageTransform =>
  (image) =>
    png(
      sharp(image)
        .rotate()
        .linear(factor, 128 * (1 - factor)),
    );

export const saturation =
  (factor: number): ImageTransform =>
  (image) =>
    png(sharp(image).rotate().modulate({ saturation: factor }));

export const greyscale: ImageTransform = (image) => png(sharp(image).rotate().greyscale());

export const mirror: ImageTransform = (image) => png(sharp(image).rotate().flop());

/** Rotation by any angle; the canvas grows and the corners are filled with black, as editors do. */
export const rotation =
  (degrees: number): ImageTransform =>
  (image) =>
    png(sharp(image).rotate().rotate(degrees, { background: "#000000" }));

export const resizeTo =
  (fraction: number): ImageTransform =>
  async (image) => {
    const { width } = await sizeOf(image);
    return png(
      sharp(image)
        .rotate()
        .resize(Math.max(8, Math.round(width * fraction))),
    );
  };

/** Longest side `side` px. */
export const downscaleTo =
  (side: number): ImageTransform =>
  (image) =>
    png(sharp(image).rotate().resize(side, side, { fit: "inside" }));

export const jpegQuality =
  (quality: number): ImageTransform =>
  (image) =>
    sharp(image).rotate().jpeg({ quality }).toBuffer();

function escapeXml(text: string): string {
  return text.replace(/[<>&]/g, (character) => `&#${character.charCodeAt(0)};`);
}

/**
 * The picture pasted into a larger "screenshot": a page-coloured canvas 1.5x its size with a title
 * bar and lines of text above and below, the picture at 80 % of its size off-centre.
 */
export const screenshot: ImageTransform = async (image, seed) => {
  const next = seededRandom(seed);
  const { width, height } = await sizeOf(image);
  const pictureWidth = Math.round(width * 0.8);
  const pictureHeight = Math.round(height * 0.8);
  const canvasWidth = Math.round(width * 1.5);
  const canvasHeight = Math.round(height * 1.5);
  const left = Math.round((canvasWidth - pictureWidth) * (0.2 + next() * 0.6));
  const top = Math.round((canvasHeight - pictureHeight) * (0.4 + next() * 0.3));
  const font = Math.max(10, Math.round(canvasHeight / 40));
  const lines = [
    `<rect x="0" y="0" width="${canvasWidth}" height="${font * 2}" fill="#dde3ea"/>`,
    `<text x="${font}" y="${font * 1.4}" font-size="${font}" font-family="sans-serif">${escapeXml("Breaking news — live updates")}</text>`,
    ...Array.from(
      { length: 3 },
      (_, line) =>
        `<text x="${font}" y="${font * (3.5 + 1.5 * line)}" font-size="${font}" font-family="serif">${escapeXml(`Paragraph ${line + 1}: what happened, who was there, and why it matters.`)}</text>`,
    ),
    `<text x="${font}" y="${canvasHeight - font}" font-size="${font}" font-family="sans-serif">Share · Comment · 1.2k likes</text>`,
  ].join("");
  const overlay = Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${canvasWidth}" height="${canvasHeight}">${lines}</svg>`,
  );
  const picture = await sharp(image).rotate().resize(pictureWidth, pictureHeight).png().toBuffer();
  return png(
    sharp({
      create: { width: canvasWidth, height: canvasHeight, channels: 3, background: "#f7f7f2" },
    }).composite([
      { input: overlay, left: 0, top: 0 },
      { input: picture, left, top },
    ]),
  );
};

/** An opaque caption band over the bottom 12 % of the picture, with white text on it. */
export const caption: ImageTransform = async (image) => {
  const { width, height } = await sizeOf(image);
  const band = Math.round(height * 0.12);
  const font = Math.round(band * 0.45);
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${band}"><rect width="${width}" height="${band}" fill="#101820" fill-opacity="0.85"/><text x="${font}" y="${Math.round(band * 0.65)}" font-size="${font}" fill="#ffffff" font-family="sans-serif">Photo: the scene this afternoon, as seen by readers</text></svg>`;
  return png(
    sharp(image)
      .rotate()
      .composite([{ input: Buffer.from(svg), left: 0, top: height - band }]),
  );
};

/** A half-transparent diagonal watermark in large letters, over more than 10 % of the picture. */
export const watermark: ImageTransform = async (image) => {
  const { width, height } = await sizeOf(image);
  const font = Math.round(Math.min(width, height) / 6);
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><text x="50%" y="50%" text-anchor="middle" font-size="${font}" font-weight="bold" fill="#ffffff" fill-opacity="0.55" stroke="#000000" stroke-opacity="0.4" font-family="sans-serif" transform="rotate(-25 ${width / 2} ${height / 2})">© STOCK PHOTO</text></svg>`;
  return png(
    sharp(image)
      .rotate()
      .composite([{ input: Buffer.from(svg), left: 0, top: 0 }]),
  );
};

/** Two transforms, one after the other. */
export const combined =
  (first: ImageTransform, second: ImageTransform): ImageTransform =>
  async (image, seed) =>
    second(await first(image, seed), seed + 1);

/** Every transform of issue 14, by name (the bench's rows; the tests pick from them). */
export const issueTransforms: Record<string, ImageTransform> = {
  "crop 25-100% any offset": anyCrop,
  "crop 25%": cropOf(0.25),
  "corner third (top-left)": cropOf(1 / 3, "top-left"),
  "brightness +30%": brightness(1.3),
  "brightness -30%": brightness(0.7),
  "contrast +30%": contrast(1.3),
  "contrast -30%": contrast(0.7),
  "saturation +50%": saturation(1.5),
  "saturation -50%": saturation(0.5),
  greyscale,
  mirror,
  "rotate 90": rotation(90),
  "rotate 180": rotation(180),
  "rotate 270": rotation(270),
  "rotate +10": rotation(10),
  "rotate -10": rotation(-10),
  "resize 20%": resizeTo(0.2),
  "JPEG q20": jpegQuality(20),
  "screenshot with borders and text": screenshot,
  "caption band 12%": caption,
  watermark: watermark,
  "640 px + brightness +15%": combined(downscaleTo(640), brightness(1.15)),
  "crop 50% + mirror": combined(cropOf(0.5), mirror),
  "rotate 90 + JPEG q30": combined(rotation(90), jpegQuality(30)),
  "greyscale + caption": combined(greyscale, caption),
};
