import { basename, extname } from "node:path";
import type { ParseLimits } from "../parsing/parse-limits.js";
import type { ParserPool } from "../parsing/parser-pool.js";
import type { ParsedPage } from "./parsed-document.js";

/** Markdown: the first heading is the title; links and images come from the inline syntax. */
export function parseMarkdown(markdown: string, fileUrl: string, path: string): ParsedPage {
  const heading = markdown.match(/^#{1,6}\s+(.+?)\s*#*\s*$/m)?.[1];
  const links: ParsedPage["links"] = [];
  const images: ParsedPage["images"] = [];
  for (const match of markdown.matchAll(/(!?)\[([^\]]*)\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
    const url = resolveUrl(match[3]!, fileUrl);
    if (!url) continue;
    if (match[1] === "!") images.push({ alt: match[2]!.trim(), url, caption: "" });
    else links.push({ text: match[2]!.trim(), url });
  }
  return {
    title: heading?.trim() || titleFromFileName(path),
    text: markdown,
    markdown,
    links,
    images,
    contentType: "text/markdown",
  };
}

export function parsePlainText(text: string, path: string): ParsedPage {
  const firstLine =
    text
      .split("\n")
      .find((line) => line.trim().length > 0)
      ?.trim() ?? "";
  return {
    title: firstLine.length > 0 && firstLine.length <= 120 ? firstLine : titleFromFileName(path),
    text,
    markdown: text,
    links: [],
    images: [],
    contentType: "text/plain",
  };
}

/** A PDF's text, read in the parser pool within the limits (pages, inflated bytes, text, time, memory). */
export async function parsePdf(
  bytes: Uint8Array,
  path: string,
  parsing: { pool: ParserPool; limits: ParseLimits },
): Promise<ParsedPage> {
  const { pages } = await parsing.pool.parse(
    { kind: "pdf-text", bytes },
    { limits: parsing.limits, subject: `the PDF ${path}` },
  );
  // As unpdf's mergePages: pages joined by lines, runs of spaces and blank lines folded.
  const text = pages
    .join("\n")
    .replace(/[^\S\n]+/g, " ")
    .replace(/ ?\n ?/g, "\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
  return { ...parsePlainText(text, path), title: titleFromFileName(path), contentType: "application/pdf" };
}

/** "tour-de-france_2024.html" -> "tour de france 2024": file names are often the only caption. */
export function titleFromFileName(path: string): string {
  return basename(path, extname(path))
    .replace(/[-_.]+/g, " ")
    .trim();
}

function resolveUrl(reference: string, base: string): string | undefined {
  try {
    return new URL(reference, base).href;
  } catch {
    return undefined;
  }
}
