/**
 * A reply that arrived whole but is not a chat completion: an HTML page served with status 200 (a
 * proxy's sign-in page, a gateway's error page), JSON of another shape, an event stream of garbage.
 * The message finishes the sentence "Model server at URL ...", and quotes enough of the reply to
 * recognise it. Retried like a 5xx: proxies and overloaded servers send such replies now and then.
 */
export class MalformedReplyError extends Error {
  constructor(description: string) {
    super(description);
    this.name = "MalformedReplyError";
  }
}

const excerptChars = 200;

/** The first 200 characters of a reply, on one line, for an error message. */
export function excerpt(text: string): string {
  const line = text.replace(/\s+/g, " ").trim();
  if (line === "") return "(empty)";
  return line.length > excerptChars ? `${line.slice(0, excerptChars)}…` : line;
}

/** True for a content type or a body that is an HTML page. */
export function isHtml(mediaType: string | undefined, text?: string): boolean {
  if (mediaType === "text/html" || mediaType === "application/xhtml+xml") return true;
  return text !== undefined && /^\s*(<!doctype html|<html[\s>])/i.test(text);
}

/** An HTML page as a message names it: its title, else the start of its text. */
export function describeHtmlPage(html: string): string {
  const title = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(html)?.[1];
  if (title?.trim()) return excerpt(decodeEntities(title));
  const text = html.replace(/<(script|style)[\s\S]*?<\/\1>/gi, " ").replace(/<[^>]*>/g, " ");
  return excerpt(decodeEntities(text));
}

export function htmlPageError(status: number, html: string): MalformedReplyError {
  return new MalformedReplyError(
    `answered ${status} with an HTML page, not a chat completion: ${describeHtmlPage(html)}`,
  );
}

function decodeEntities(text: string): string {
  return text
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&");
}
