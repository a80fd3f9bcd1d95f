import sharp from "sharp";
import { afterAll, describe, expect, it } from "vitest";
import { imageConfigSchema } from "../../core/config.js";
import type { ToolOutputData } from "../../core/tool-output.js";
import { ocrArguments, ocrTool } from "./ocr.js";
import { englishLanguageData } from "./tesseract-worker.js";
import { addInputImage, imageToolContext } from "./test-context.js";

const config = imageConfigSchema.parse({});
const ocr = ocrTool(config);

/** White page, black text at known places: what tesseract must read back. */
async function renderText(
  lines: { text: string; x: number; y: number; size: number }[],
): Promise<Uint8Array> {
  const texts = lines
    .map(
      ({ text, x, y, size }) =>
        `<text x="${x}" y="${y}" font-family="DejaVu Sans, sans-serif" font-size="${size}" fill="#000">${text}</text>`,
    )
    .join("");
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="900" height="400"><rect width="900" height="400" fill="#fff"/>${texts}</svg>`;
  return new Uint8Array(await sharp(Buffer.from(svg)).removeAlpha().png().toBuffer());
}

// Rendering text needs a system font; without one librsvg draws nothing and OCR has nothing to read.
const probe = await sharp(await renderText([{ text: "X", x: 10, y: 100, size: 80 }])).stats();
const fontsAvailable = probe.channels[0]!.min < 100;
if (!fontsAvailable) console.warn("no system fonts to render text with; skipping OCR tests");

describe.skipIf(!fontsAvailable)("ocr with tesseract.js and the offline English data", () => {
  const context = imageToolContext();

  afterAll(async () => {
    await ocr.dispose?.(context.state);
  });

  it("uses the language data installed with @tesseract.js-data/eng", () => {
    expect(englishLanguageData()).toMatchObject({ code: "eng", gzip: true });
  });

  it("reads rendered text and gives word boxes in image pixels", async () => {
    const image = addInputImage(
      context,
      await renderText([{ text: "LOUPE 2026", x: 60, y: 140, size: 72 }]),
      {
        mime: "image/png",
        width: 900,
        height: 400,
      },
    );
    const result = await ocr.execute(ocrArguments.parse({ image: image.label }), context);
    expect(result.text).toMatch(/^Text in image_1:\nLOUPE 2026/);
    const data = result.data as Extract<ToolOutputData, { kind: "ocr" }>;
    expect(data.words.map((word) => word.text)).toEqual(["LOUPE", "2026"]);
    const [loupe] = data.words;
    // The text's baseline is at y=140 with 72 px glyphs: the box starts near x=60, y=88.
    expect(loupe!.box[0]).toBeGreaterThan(50);
    expect(loupe!.box[0]).toBeLessThan(75);
    expect(loupe!.box[1]).toBeGreaterThan(75);
    expect(loupe!.box[3]).toBeLessThan(150);
    expect(loupe!.confidence).toBeGreaterThan(60);
  });

  it("reads only the box asked for and maps its words back to the whole image", async () => {
    const bytes = await renderText([
      { text: "TOP SECRET", x: 40, y: 90, size: 56 },
      { text: "BOTTOM LINE", x: 300, y: 320, size: 56 },
    ]);
    const image = addInputImage(context, bytes, { mime: "image/png", width: 900, height: 400 });
    const result = await ocr.execute(
      ocrArguments.parse({ image: image.label, box: [0.25, 0.6, 1, 1], coordinates: "fraction" }),
      context,
    );
    const data = result.data as Extract<ToolOutputData, { kind: "ocr" }>;
    expect(data.text).toBe("BOTTOM LINE");
    expect(result.text).toContain("image_2 [225, 240, 900, 400]");
    const bottom = data.words[0]!;
    expect(bottom.box[0]).toBeGreaterThan(290);
    expect(bottom.box[0]).toBeLessThan(320);
    expect(bottom.box[1]).toBeGreaterThan(260);

    // The 900x400 page is shown to the model at 896x392; a box on that view means the same region.
    const inView = await ocr.execute(
      ocrArguments.parse({ image: image.label, box: [224, 235, 896, 392], coordinates: "view" }),
      context,
    );
    expect(inView.text).toBe("Text in image_2 [225, 240, 900, 400]:\nBOTTOM LINE");
  });

  it("says so when there is no text", async () => {
    const blank = new Uint8Array(
      await sharp({ create: { width: 300, height: 200, channels: 3, background: "#ffffff" } })
        .png()
        .toBuffer(),
    );
    const image = addInputImage(context, blank, { mime: "image/png", width: 300, height: 200 });
    const result = await ocr.execute(ocrArguments.parse({ image: image.label }), context);
    expect(result.text).toBe(`No text found in ${image.label}.`);
  });
});
