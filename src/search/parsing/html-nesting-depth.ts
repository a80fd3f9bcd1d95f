const voidElements = new Set([
  "area",
  "base",
  "br",
  "col",
  "embed",
  "hr",
  "img",
  "input",
  "link",
  "meta",
  "param",
  "source",
  "track",
  "wbr",
]);
/** Elements whose content is raw text: a `<div>` inside a script is not an element. */
const rawTextElements = new Set([
  "script",
  "style",
  "textarea",
  "title",
  "xmp",
  "iframe",
  "noembed",
  "noframes",
]);
/** Elements a sibling of the same name closes (`<li>a<li>b`): they do not nest in a parsed tree. */
const impliedEndElements = new Set([
  "p",
  "li",
  "dt",
  "dd",
  "option",
  "optgroup",
  "tr",
  "td",
  "th",
  "rt",
  "rp",
]);

const tagName = /[a-zA-Z][^\s/>]*/y;

/**
 * How deep the elements of an HTML page nest, counted on the text in one pass (linear time, no
 * DOM): the DOM parser and Readability are both slower than linear in the depth (linkedom took
 * 27 s on 200,000 nested divs), so this runs before either. Closing tags pop to the element they
 * name, as a parser does; void and raw-text elements and implied end tags are handled, so a sloppy
 * but ordinary page is not over-counted. Stops counting once the depth passes `stopAbove`.
 */
export function htmlNestingDepth(html: string, stopAbove = Number.POSITIVE_INFINITY): number {
  const open: string[] = [];
  const openCount = new Map<string, number>();
  let deepest = 0;
  let at = 0;
  const push = (name: string) => {
    open.push(name);
    openCount.set(name, (openCount.get(name) ?? 0) + 1);
  };
  const pop = () => {
    const name = open.pop()!;
    openCount.set(name, openCount.get(name)! - 1);
    return name;
  };
  while (at < html.length) {
    const lt = html.indexOf("<", at);
    if (lt < 0) break;
    if (html.startsWith("<!--", lt)) {
      const end = html.indexOf("-->", lt + 4);
      at = end < 0 ? html.length : end + 3;
      continue;
    }
    const next = html[lt + 1];
    if (next === "!" || next === "?") {
      const end = html.indexOf(">", lt);
      at = end < 0 ? html.length : end + 1;
      continue;
    }
    const closing = next === "/";
    tagName.lastIndex = lt + (closing ? 2 : 1);
    const match = tagName.exec(html);
    if (!match) {
      at = lt + 1;
      continue;
    }
    const name = match[0].toLowerCase();
    const end = tagEnd(html, tagName.lastIndex);
    at = end;
    if (closing) {
      if ((openCount.get(name) ?? 0) > 0) while (pop() !== name);
      continue;
    }
    if (rawTextElements.has(name)) {
      const close = new RegExp(`</${name}`, "gi");
      close.lastIndex = end;
      at = close.exec(html)?.index ?? html.length;
      continue;
    }
    if (voidElements.has(name) || html[end - 2] === "/") continue;
    if (impliedEndElements.has(name) && open.at(-1) === name) pop();
    push(name);
    if (open.length > deepest) {
      deepest = open.length;
      if (deepest > stopAbove) return deepest;
    }
  }
  return deepest;
}

/** The index after a tag's closing `>`, skipping quoted attribute values (`title="a>b"`). */
function tagEnd(html: string, from: number): number {
  let quote = 0;
  let previous = 0;
  for (let at = from; at < html.length; at++) {
    const code = html.charCodeAt(at);
    if (quote !== 0) {
      if (code === quote) quote = 0;
    } else if ((code === 0x22 || code === 0x27) && previous === 0x3d) quote = code;
    else if (code === 0x3e) return at + 1;
    // Whitespace between `=` and the quote does not count: `title = "a>b"`.
    if (code > 0x20) previous = code;
  }
  return html.length;
}
