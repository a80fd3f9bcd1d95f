import type { ToolContext } from "../../core/tool.js";
import type { ReadPage } from "../../search/backend.js";

/** A page as the summarizer returns it: a summary, or (summarized false) the page text with a note. */
export interface PageSummary {
  text: string;
  summarized: boolean;
}

/**
 * Writes a page summary focused on a question; supplied by the agent, which owns the model. It is
 * made once and shared by concurrent runs, so what a summary costs goes to the calling run through
 * `call.reportUsage`, never to state of its own.
 */
export type PageSummarizer = (
  page: ReadPage,
  question: string,
  call: Pick<ToolContext, "signal" | "reportUsage">,
) => Promise<PageSummary>;

export interface SearchToolOptions {
  /** Hits kept per text query or per image (default 5). */
  resultsPerQuery?: number;
  /** Used by web_visit when search.webVisit.summarize is on. */
  summarizer?: PageSummarizer;
}

export const defaultResultsPerQuery = 5;
