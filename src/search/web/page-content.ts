import { extractText, getDocumentProxy } from "unpdf";
import { LoupeError } from "../../core/errors.js";
import type { ReadPage } from "../backend.js";
import { decodeText } from "./decode-text.js";
import type { FetchedResource } from "./fetch-page.js";
import { htmlToReadPage } from "./html-to-markdown.js";

const textTypes = new Set([
  "text/plain",
  "text/markdown",
  "text/x-markdown",
  "text/csv",
  "text/xml",
  "application/json",
  "application/xml",
]);

/** The media type without parameters; sniffed from the bytes when the server sent none. */
export function mediaTypeOf(resource: Pick<FetchedResource, "contentType" | "bytes">): string {
  const declared = resource.contentType.split(";")[0]!.trim().toLowerCase();
  if (declared && declared !== "application/octet-stream") return declared;
  const start = new TextDecoder("latin1").decode(resource.bytes.subarray(0, 512)).trimStart().toLowerCase();
  if (start.startsWith("%pdf-")) return "application/pdf";
  if (start.startsWith("<!doctype html") || start.startsWith("<html")) return "text/html";
  return declared || "application/octet-stream";
}

/**
 * Turns fetched bytes into a ReadPage by content type: HTML to markdown, text-like types as they
 * are, PDFs to their text, images to a short note; anything else is refused with its type named.
 */
export async function toReadPage(resource: FetchedResource): Promise<ReadPage> {
  const mediaType = mediaTypeOf(resource);
  const page = (title: string, markdown: string): ReadPage => ({
    url: resource.url,
    title,
    markdown,
    links: [],
    images: [],
    contentType: mediaType,
  });
  if (mediaType === "text/html" || mediaType === "application/xhtml+xml") {
    return htmlToReadPage(decodeText(resource.bytes, resource.contentType, true), resource.url, mediaType);
  }
  if (textTypes.has(mediaType) || mediaType.endsWith("+json") || mediaType.endsWith("+xml")) {
    return page(lastPathSegment(resource.url), decodeText(resource.bytes, resource.contentType, false));
  }
  if (mediaType === "application/pdf") return page(lastPathSegment(resource.url), await pdfText(resource));
  if (mediaType.startsWith("image/")) {
    return page(
      lastPathSegment(resource.url),
      `This URL is an image (${mediaType}, ${resource.bytes.byteLength} bytes), not a page. Search by it with image_search if it matters.`,
    );
  }
  throw new LoupeError(
    "tool-failed",
    `web_visit cannot read ${resource.url}: content of type ${mediaType} is not supported (HTML, text, JSON, PDF and images are).`,
  );
}

async function pdfText(resource: FetchedResource): Promise<string> {
  try {
    // unpdf hands the buffer to pdf.js, which detaches it: give it a copy.
    const document = await getDocumentProxy(new Uint8Array(resource.bytes));
    const { totalPages, text } = await extractText(document, { mergePages: false });
    return text
      .map((pageText, index) => `## Page ${index + 1} of ${totalPages}\n\n${pageText.trim()}`)
      .join("\n\n");
  } catch (error) {
    throw new LoupeError(
      "tool-failed",
      `web_visit could not read the PDF at ${resource.url}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

function lastPathSegment(url: string): string {
  try {
    const segments = new URL(url).pathname.split("/").filter(Boolean);
    return decodeURIComponent(segments.at(-1) ?? new URL(url).hostname);
  } catch {
    return url;
  }
}
