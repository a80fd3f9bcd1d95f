/** What ingest keeps of a page-like file (HTML, Markdown, text, PDF), whatever its format. */
export interface ParsedPage {
  title: string;
  /** Plain text indexed for full-text search. */
  text: string;
  /** Main content as markdown, returned by readPage. */
  markdown: string;
  /** A URL the page declares for itself (canonical link, og:url), when it has one. */
  declaredUrl?: string;
  links: { text: string; url: string }[];
  /** Images the page shows, with URLs resolved against the page's location. */
  images: { alt: string; url: string; caption: string }[];
  contentType: string;
}
