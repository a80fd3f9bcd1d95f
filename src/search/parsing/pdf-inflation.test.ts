import { describe, expect, it } from "vitest";
import { inflatingPdf, tinyPdf } from "../testing/tiny-pdf.js";
import { defaultParseLimits } from "./parse-limits.js";
import { boundPdfInflation } from "./pdf-inflation.js";
import { readPdfText } from "./pdf-text.js";

describe("boundPdfInflation", () => {
  it("leaves a PDF within the budget as it is", async () => {
    const pdf = await inflatingPdf("Hello", 1024 * 1024);
    const bounded = await boundPdfInflation(pdf, 2 * 1024 * 1024);
    expect(bounded).toMatchObject({
      bytes: pdf,
      inflatedBytes: 1024 * 1024,
      flateStreams: 1,
      emptiedStreams: 0,
    });
    expect((await boundPdfInflation(tinyPdf("x"), 1024)).flateStreams).toBe(0);
  });

  it("empties, in place, a stream past the budget; pdf.js still reads the rest", async () => {
    const pdf = await inflatingPdf("Before the bomb", 32 * 1024 * 1024);
    const bounded = await boundPdfInflation(pdf, 4 * 1024 * 1024);
    expect(bounded).toMatchObject({ inflatedBytes: 0, flateStreams: 1, emptiedStreams: 1 });
    expect(bounded.bytes.byteLength).toBe(pdf.byteLength);
    const text = await readPdfText(pdf, { ...defaultParseLimits, maxInflatedBytes: 4 * 1024 * 1024 });
    expect(text.pages).toEqual(["Before the bomb", ""]);
    expect(text.notes[0]).toMatch(/^the PDF's content inflates past 4 MB/);
  });
});
