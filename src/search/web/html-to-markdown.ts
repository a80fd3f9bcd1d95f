import { Readability } from "@mozilla/readability";
import { parseHTML } from "linkedom";
import TurndownService from "turndown";
import type { ReadPage } from "../backend.js";
import { htmlNestingDepth } from "../parsing/html-nesting-depth.js";
import { htmlPlainText } from "../parsing/html-plain-text.js";
import type { ParseLimits } from "../parsing/parse-limits.js";

const maxLinks = 100;
const maxImages = 50;

/**
 * The main content of an HTML page as markdown (Readability picks the article, Turndown writes
 * markdown), with the page's links and images resolved against its URL. Pages Readability finds
 * no article in (link lists, app shells) fall back to the whole body. Pages nested deeper than
 * limits.maxDomDepth never reach the DOM: they are read as plain text, with a note saying so.
 * Runs inside the parser worker (parser-pool.ts).
 */
export function htmlToReadPage(
  html: string,
  url: string,
  contentType: string,
  limits: Pick<ParseLimits, "maxDomDepth" | "maxTextChars">,
): ReadPage {
  if (htmlNestingDepth(html, limits.maxDomDepth) > limits.maxDomDepth)
    return plainReadPage(html, url, contentType, limits);
  const { document } = parseHTML(html);
  const links = collect(document, "a[href]", "href", url)
    .map(({ element, target }) => ({
      text: (element.textContent ?? "").trim().replace(/\s+/g, " "),
      url: target,
    }))
    .filter((link) => link.text && /^https?:/.test(link.url))
    .slice(0, maxLinks);
  const images = collect(document, "img[src]", "src", url)
    .map(({ element, target }) => ({ alt: (element.getAttribute("alt") ?? "").trim(), url: target }))
    .filter((image) => /^https?:/.test(image.url))
    .slice(0, maxImages);
  const documentTitle = (document.querySelector("title")?.textContent ?? "").trim();

  // Readability changes the document it reads, so links and images are collected first.
  let article: { title?: string | null; content?: string | null } | null = null;
  try {
    article = new Readability(document as unknown as ConstructorParameters<typeof Readability>[0]).parse();
  } catch {
    article = null;
  }
  const contentHtml = article?.content || document.querySelector("body")?.innerHTML || html;
  const { document: contentDocument } = parseHTML(`<!doctype html><html><body>${contentHtml}</body></html>`);
  for (const { element, target } of collect(contentDocument, "a[href]", "href", url))
    element.setAttribute("href", target);
  for (const { element, target } of collect(contentDocument, "img[src]", "src", url))
    element.setAttribute("src", target);
  for (const element of contentDocument.querySelectorAll("script, style, noscript, template"))
    element.remove();

  const turndown = new TurndownService({
    headingStyle: "atx",
    codeBlockStyle: "fenced",
    bulletListMarker: "-",
  });
  const markdown = turndown
    .turndown(contentDocument.querySelector("body") as unknown as Parameters<TurndownService["turndown"]>[0])
    .replace(/\n{3,}/g, "\n\n")
    .trim();
  const title = (article?.title ?? "").trim() || documentTitle;
  if (markdown.length <= limits.maxTextChars) return { url, title, markdown, links, images, contentType };
  return {
    url,
    title,
    markdown: markdown.slice(0, limits.maxTextChars),
    links,
    images,
    contentType,
    notes: [textCutNote(limits.maxTextChars)],
  };
}

function plainReadPage(
  html: string,
  url: string,
  contentType: string,
  limits: Pick<ParseLimits, "maxDomDepth" | "maxTextChars">,
): ReadPage {
  const plain = htmlPlainText(html, limits.maxTextChars);
  const links = plain.links
    .flatMap((link) => {
      try {
        return [{ text: link.text, url: new URL(link.href, url).toString() }];
      } catch {
        return [];
      }
    })
    .filter((link) => /^https?:/.test(link.url))
    .slice(0, maxLinks);
  const notes = [
    `the page is nested deeper than ${limits.maxDomDepth} levels (search.webVisit.maxDomDepth); it was read as plain text.`,
  ];
  if (plain.cut) notes.push(textCutNote(limits.maxTextChars));
  return { url, title: plain.title, markdown: plain.text, links, images: [], contentType, notes };
}

function textCutNote(maxTextChars: number): string {
  return `the page's text passes ${maxTextChars.toLocaleString("en-US")} characters (search.webVisit.maxTextChars); the rest was not read.`;
}

interface DomElement {
  getAttribute(name: string): string | null;
  setAttribute(name: string, value: string): void;
  textContent: string | null;
}

function collect(
  document: { querySelectorAll(selector: string): Iterable<unknown> },
  selector: string,
  attribute: string,
  base: string,
): { element: DomElement; target: string }[] {
  const found: { element: DomElement; target: string }[] = [];
  for (const node of document.querySelectorAll(selector)) {
    const element = node as DomElement;
    const value = element.getAttribute(attribute) ?? "";
    try {
      found.push({ element, target: new URL(value, base).toString() });
    } catch {
      // An unparseable href stays out of the list.
    }
  }
  return found;
}
