import { z } from "zod";
import { describeError } from "../../core/errors.js";
import type { Tool, ToolContext, ToolResult } from "../../core/tool.js";
import type { PageVisit } from "../../core/tool-output.js";
import type { ReadPage } from "../../search/backend.js";
import type { SearchServices } from "../../search/search-services.js";
import { markUntrusted } from "../../search/web/untrusted.js";
import type { PageSummarizer, SearchToolOptions } from "./search-tool-options.js";

const parameters = z.object({
  urls: z.array(z.string().trim().min(1)).min(1).max(5).describe("One to five page URLs to read."),
  goal: z.string().trim().min(1).optional().describe("What you are looking for on these pages."),
});
type WebVisitArguments = z.infer<typeof parameters>;

const linksShown = 20;

/**
 * web_visit: reads pages (local index first, then the configured readers) and shows their main
 * content as markdown, or a summary focused on the goal when summarizing is on. Everything from
 * a page is wrapped as untrusted web content.
 */
export function webVisitTool(
  services: SearchServices,
  options: SearchToolOptions = {},
): Tool<WebVisitArguments> {
  return {
    name: "web_visit",
    description:
      "Read one to five web pages (HTML, text or PDF) and get their main content, title and links. Say what you are looking for in `goal`.",
    parameters,
    async execute({ urls, goal }, context: ToolContext): Promise<ToolResult> {
      // Read here, not when the tool is built: touching the services opens their databases.
      const { maxChars, summarize } = services.config.webVisit;
      const summarizer = summarize ? options.summarizer : undefined;
      const visits = await Promise.all(
        urls.map(async (url) => {
          try {
            const { value: page, notes } = await services.readPage(url, { signal: context.signal });
            const visit = summarizer
              ? await summarized(summarizer, page, goal ?? context.question, context)
              : {
                  url: page.url,
                  title: page.title,
                  content: withParseNotes(page, markUntrusted(page.url, pageText(page, maxChars))),
                  summarized: false,
                };
            return { ok: true as const, visit, notes };
          } catch (error) {
            return { ok: false as const, url, error: describeError(error) };
          }
        }),
      );
      const pages = visits.flatMap((visit) => (visit.ok ? [visit.visit] : []));
      const notes = visits.flatMap((visit) => (visit.ok ? visit.notes : [`${visit.url}: ${visit.error}`]));
      const sections = visits.map((visit) =>
        visit.ok
          ? `Page ${visit.visit.url}${visit.visit.title ? ` — ${visit.visit.title}` : ""}${visit.visit.summarized ? " (summary)" : ""}:\n${visit.visit.content}`
          : `Page ${visit.url}: could not be read.`,
      );
      return {
        text: [...sections, ...notes.map((note) => `Note: ${note}`)].join("\n\n"),
        images: [],
        isError: pages.length === 0,
        data: { kind: "web-visit", pages, ...(notes.length > 0 ? { notes } : {}) },
      };
    },
  };
}

async function summarized(
  summarizer: PageSummarizer,
  page: ReadPage,
  question: string,
  context: ToolContext,
): Promise<PageVisit> {
  const summary = await summarizer(page, question, context);
  return {
    url: page.url,
    title: page.title,
    content: withParseNotes(page, markUntrusted(page.url, summary.text)),
    summarized: summary.summarized,
  };
}

/**
 * What a parsing limit left out of the page ("only the first 50 of 50,000 pages were read"),
 * said by Loupe before the untrusted block, so the model knows the page is incomplete.
 */
function withParseNotes(page: ReadPage, content: string): string {
  const notes = page.notes ?? [];
  return notes.length === 0 ? content : [...notes.map((note) => `Note: ${note}`), content].join("\n");
}

/** The page as the model reads it: title, content cut at maxChars with a note, then a few links. */
export function pageText(page: ReadPage, maxChars: number): string {
  const body =
    page.markdown.length > maxChars
      ? `${page.markdown.slice(0, maxChars)}\n\n[Cut at ${maxChars} of ${page.markdown.length} characters.]`
      : page.markdown;
  const parts = [page.title ? `# ${page.title}` : "", body];
  if (page.links.length > 0) {
    const links = page.links.slice(0, linksShown).map((link) => `- [${link.text}](${link.url})`);
    parts.push(`Links on the page:\n${links.join("\n")}`);
  }
  return parts.filter(Boolean).join("\n\n");
}
