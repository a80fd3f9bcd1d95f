import { LoupeError } from "../../core/errors.js";
import type { ReadPage } from "../backend.js";
import type { ParseLimits } from "../parsing/parse-limits.js";
import type { ParserPool } from "../parsing/parser-pool.js";
import { decodeText } from "./decode-text.js";
import type { FetchedResource } from "./fetch-page.js";

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

export interface PageParsing {
  pool: ParserPool;
  limits: ParseLimits;
  signal?: AbortSignal;
}

/**
 * Turns fetched bytes into a ReadPage by content type: HTML to markdown, text-like types as they
 * are, PDFs to their text, images to a short note; anything else is refused with its type named.
 * HTML and PDFs are untrusted structure: they are parsed in the pool's workers, within the limits.
 */
export async function toReadPage(resource: FetchedResource, parsing: PageParsing): Promise<ReadPage> {
  const mediaType = mediaTypeOf(resource);
  const page = (title: string, markdown: string): ReadPage => ({
    url: resource.url,
    title,
    markdown,
    links: [],
    images: [],
    contentType: mediaType,
  });
  const call = { limits: parsing.limits, signal: parsing.signal, subject: `the page at ${resource.url}` };
  if (mediaType === "text/html" || mediaType === "application/xhtml+xml") {
    const { url, contentType, bytes } = resource;
    return parsing.pool.parse({ kind: "web-html", bytes, contentType, url, mediaType }, call);
  }
  if (textTypes.has(mediaType) || mediaType.endsWith("+json") || mediaType.endsWith("+xml")) {
    const text = decodeText(resource.bytes, resource.contentType, false);
    const { maxTextChars } = parsing.limits;
    if (text.length <= maxTextChars) return page(lastPathSegment(resource.url), text);
    return {
      ...page(lastPathSegment(resource.url), text.slice(0, maxTextChars)),
      notes: [
        `the text passes ${maxTextChars.toLocaleString("en-US")} characters (search.webVisit.maxTextChars); the rest was not read.`,
      ],
    };
  }
  if (mediaType === "application/pdf") {
    const { markdown, notes } = await pdfMarkdown(resource, parsing);
    return { ...page(lastPathSegment(resource.url), markdown), ...(notes.length > 0 ? { notes } : {}) };
  }
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

async function pdfMarkdown(
  resource: FetchedResource,
  parsing: PageParsing,
): Promise<{ markdown: string; notes: string[] }> {
  const { totalPages, pages, notes } = await parsing.pool.parse(
    { kind: "pdf-text", bytes: resource.bytes },
    { limits: parsing.limits, signal: parsing.signal, subject: `the PDF at ${resource.url}` },
  );
  const markdown = pages
    .map((pageText, index) => `## Page ${index + 1} of ${totalPages}\n\n${pageText.trim()}`)
    .join("\n\n");
  return { markdown, notes };
}

function lastPathSegment(url: string): string {
  try {
    const segments = new URL(url).pathname.split("/").filter(Boolean);
    return decodeURIComponent(segments.at(-1) ?? new URL(url).hostname);
  } catch {
    return url;
  }
}
