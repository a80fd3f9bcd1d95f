import { getDocumentProxy } from "unpdf";
import { formatBytes, type ParseLimits } from "./parse-limits.js";
import { boundPdfInflation } from "./pdf-inflation.js";

export interface PdfText {
  totalPages: number;
  /** Text of each page read, in order (page 1 first); fewer than totalPages when a limit cut in. */
  pages: string[];
  /** What a limit left out, said for the reader ("only the first 50 of 50,000 pages were read"). */
  notes: string[];
}

/**
 * The text of a PDF within the limits: compressed streams inflate to at most maxInflatedBytes
 * (see boundPdfInflation), at most maxPdfPages pages are read, one at a time (unpdf's extractText
 * reads all pages at once: 50,000 pages ran the process out of heap), and reading stops once the
 * text reaches maxTextChars. Runs inside the parser worker, whose time and memory limits bound
 * whatever pdf.js does beyond this.
 */
export async function readPdfText(bytes: Uint8Array, limits: ParseLimits): Promise<PdfText> {
  const bounded = await boundPdfInflation(bytes, limits.maxInflatedBytes);
  const notes: string[] = [];
  if (bounded.emptiedStreams > 0) {
    notes.push(
      `the PDF's content inflates past ${formatBytes(limits.maxInflatedBytes)} (search.webVisit.maxInflatedBytes); reading stopped there, so ${bounded.emptiedStreams} of its ${bounded.flateStreams} compressed stream${bounded.flateStreams === 1 ? "" : "s"} ${bounded.emptiedStreams === 1 ? "was" : "were"} left out and some text may be missing.`,
    );
  }
  // pdf.js detaches the buffer it is given: hand it a copy.
  const document = await getDocumentProxy(new Uint8Array(bounded.bytes), { verbosity: 0 });
  try {
    const totalPages = document.numPages;
    const pages: string[] = [];
    let characters = 0;
    const lastPage = Math.min(totalPages, limits.maxPdfPages);
    for (let number = 1; number <= lastPage; number++) {
      const page = await document.getPage(number);
      const content = await page.getTextContent();
      page.cleanup();
      let text = content.items
        .map((item) => ("str" in item ? item.str + (item.hasEOL ? "\n" : "") : ""))
        .join("");
      if (characters + text.length > limits.maxTextChars) {
        text = text.slice(0, limits.maxTextChars - characters);
        pages.push(text);
        notes.push(
          `the PDF's text passes ${limits.maxTextChars.toLocaleString("en-US")} characters (search.webVisit.maxTextChars); reading stopped on page ${number} of ${totalPages.toLocaleString("en-US")}.`,
        );
        return { totalPages, pages, notes };
      }
      characters += text.length;
      pages.push(text);
    }
    if (lastPage < totalPages) {
      notes.push(
        `only the first ${lastPage.toLocaleString("en-US")} of ${totalPages.toLocaleString("en-US")} pages were read (search.webVisit.maxPdfPages).`,
      );
    }
    return { totalPages, pages, notes };
  } finally {
    await document.destroy();
  }
}
