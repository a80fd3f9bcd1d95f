import { Readability } from "@mozilla/readability";
import { parseHTML } from "linkedom";
import TurndownService from "turndown";
import { htmlNestingDepth } from "../parsing/html-nesting-depth.js";
import { htmlPlainText } from "../parsing/html-plain-text.js";
import type { ParseLimits } from "../parsing/parse-limits.js";
import type { ParsedPage } from "./parsed-document.js";

const turndown = new TurndownService({ headingStyle: "atx", codeBlockStyle: "fenced" });

/**
 * Title, main text (Readability) and markdown (turndown) of an HTML page, plus its links and
 * images. Links and images are collected from the whole document before Readability runs, because
 * Readability rewrites the tree; their URLs are resolved against the file's own location so local
 * <img src="photo.jpg"> finds the indexed image file. Pages nested deeper than
 * limits.maxDomDepth are indexed as plain text without a DOM (Readability's time grows faster
 * than the square of the depth); text is kept up to limits.maxTextChars. Runs inside the parser
 * worker (parser-pool.ts).
 */
export function parseHtml(
  html: string,
  fileUrl: string,
  limits: Pick<ParseLimits, "maxDomDepth" | "maxTextChars">,
): ParsedPage {
  if (htmlNestingDepth(html, limits.maxDomDepth) > limits.maxDomDepth) {
    const plain = htmlPlainText(html, limits.maxTextChars);
    const links = plain.links.flatMap((link) => {
      const url = resolveUrl(link.href, fileUrl);
      return url ? [{ text: link.text, url }] : [];
    });
    return {
      title: plain.title,
      text: plain.text,
      markdown: plain.text,
      links,
      images: [],
      contentType: "text/html",
    };
  }
  const { document } = parseHTML(html);
  const declaredUrl =
    attribute(document, 'link[rel="canonical"]', "href") ??
    attribute(document, 'meta[property="og:url"]', "content");
  const headTitle =
    document.querySelector("title")?.textContent?.trim() ||
    attribute(document, 'meta[property="og:title"]', "content") ||
    "";

  const links: ParsedPage["links"] = [];
  for (const anchor of document.querySelectorAll("a[href]")) {
    const url = resolveUrl(anchor.getAttribute("href") ?? "", fileUrl);
    if (url) links.push({ text: collapse(anchor.textContent ?? ""), url });
  }
  const images: ParsedPage["images"] = [];
  for (const image of document.querySelectorAll("img[src]")) {
    const url = resolveUrl(image.getAttribute("src") ?? "", fileUrl);
    if (!url) continue;
    const caption = image.closest("figure")?.querySelector("figcaption")?.textContent ?? "";
    images.push({ alt: collapse(image.getAttribute("alt") ?? ""), url, caption: collapse(caption) });
  }

  const bodyText = collapse(document.body?.textContent ?? "");
  let article: ReturnType<Readability["parse"]> = null;
  try {
    article = new Readability(document as unknown as ConstructorParameters<typeof Readability>[0]).parse();
  } catch {
    // Readability gives up on some fragments; the whole body text is still worth indexing.
  }
  const articleText = collapse(article?.textContent ?? "");
  const text = (articleText.length >= bodyText.length / 3 ? articleText : bodyText).slice(
    0,
    limits.maxTextChars,
  );
  const markdown = (article?.content ? turndown.turndown(article.content) : text).slice(
    0,
    limits.maxTextChars,
  );
  return {
    title: headTitle || article?.title?.trim() || "",
    text,
    markdown,
    declaredUrl: declaredUrl ? resolveUrl(declaredUrl, fileUrl) : undefined,
    links,
    images,
    contentType: "text/html",
  };
}

function attribute(document: ReturnType<typeof parseHTML>["document"], selector: string, name: string) {
  const value = document.querySelector(selector)?.getAttribute(name)?.trim();
  return value ? value : undefined;
}

function resolveUrl(reference: string, base: string): string | undefined {
  if (!reference || reference.startsWith("#") || reference.startsWith("javascript:")) return undefined;
  try {
    return new URL(reference, base).href;
  } catch {
    return undefined;
  }
}

function collapse(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}
