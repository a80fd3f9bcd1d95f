export interface PlainHtml {
  title: string;
  text: string;
  links: { text: string; href: string }[];
  /** The text was longer than maxChars and stops there. */
  cut: boolean;
}

const skippedElements = new Set(["script", "style", "noscript", "template", "svg"]);
const blockElements = new Set([
  "address",
  "article",
  "aside",
  "blockquote",
  "br",
  "dd",
  "div",
  "dl",
  "dt",
  "figcaption",
  "figure",
  "footer",
  "form",
  "h1",
  "h2",
  "h3",
  "h4",
  "h5",
  "h6",
  "header",
  "hr",
  "li",
  "main",
  "nav",
  "ol",
  "p",
  "pre",
  "section",
  "table",
  "td",
  "th",
  "tr",
  "ul",
]);
const namedEntities: Record<string, string> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
  nbsp: " ",
  ndash: "–",
  mdash: "—",
  hellip: "…",
  copy: "©",
};
const tagName = /[a-zA-Z][^\s/>]*/y;
const hrefAttribute = /\shref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))/i;

/**
 * The text of an HTML page without building a DOM: one pass over the tags, in time linear in the
 * page, whatever its nesting. For pages too deep to hand to the DOM parser and Readability. Block
 * elements start new lines; scripts, styles and the head are left out; links are kept with their
 * text; the text stops at maxChars.
 */
export function htmlPlainText(html: string, maxChars: number): PlainHtml {
  const pieces: string[] = [];
  let length = 0;
  let cut = false;
  let title = "";
  const links: PlainHtml["links"] = [];
  let link: { href: string; text: string } | undefined;
  const emit = (text: string) => {
    if (cut || !text) return;
    if (length + text.length > maxChars) {
      text = text.slice(0, maxChars - length);
      cut = true;
    }
    pieces.push(text);
    length += text.length;
    if (link && link.text.length < 500) link.text += text;
  };
  let at = 0;
  while (at < html.length && !cut) {
    const lt = html.indexOf("<", at);
    emit(decodeEntities(html.slice(at, lt < 0 ? html.length : lt)));
    if (lt < 0) break;
    if (html.startsWith("<!--", lt)) {
      const end = html.indexOf("-->", lt + 4);
      at = end < 0 ? html.length : end + 3;
      continue;
    }
    const marker = html[lt + 1];
    if (marker === "!" || marker === "?") {
      const end = html.indexOf(">", lt);
      at = end < 0 ? html.length : end + 1;
      continue;
    }
    const closing = marker === "/";
    tagName.lastIndex = lt + (closing ? 2 : 1);
    const match = tagName.exec(html);
    if (!match) {
      // A "<" that starts no tag ("a < b") is text.
      emit("<");
      at = lt + 1;
      continue;
    }
    const gt = html.indexOf(">", tagName.lastIndex);
    const end = gt < 0 ? html.length : gt + 1;
    at = end;
    const name = match[0].toLowerCase();
    if (blockElements.has(name)) emit("\n");
    if (closing) {
      if (name === "a" && link) {
        const text = collapse(link.text);
        if (text) links.push({ text, href: link.href });
        link = undefined;
      }
      continue;
    }
    if (name === "title" || skippedElements.has(name)) {
      const close = new RegExp(`</${name}\\s*>`, "gi");
      close.lastIndex = end;
      const found = close.exec(html);
      if (name === "title" && !title) title = collapse(decodeEntities(html.slice(end, found?.index)));
      at = found ? found.index + found[0].length : html.length;
      continue;
    }
    if (name === "a") {
      const href = hrefAttribute.exec(html.slice(lt, end));
      const value = href ? decodeEntities(href[1] ?? href[2] ?? href[3] ?? "") : "";
      link = value ? { href: value, text: "" } : undefined;
    }
  }
  const text = pieces
    .join("")
    .split("\n")
    .map((line) => line.replace(/\s+/g, " ").trim())
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
  return { title, text, links, cut };
}

function decodeEntities(text: string): string {
  if (!text.includes("&")) return text;
  return text.replace(/&(#x[0-9a-f]{1,6}|#[0-9]{1,7}|[a-z]{2,8});/gi, (whole, entity: string) => {
    if (entity[0] === "#") {
      const code =
        entity[1] === "x" || entity[1] === "X"
          ? Number.parseInt(entity.slice(2), 16)
          : Number(entity.slice(1));
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return namedEntities[entity.toLowerCase()] ?? whole;
  });
}

function collapse(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}
