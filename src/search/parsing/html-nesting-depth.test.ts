import { describe, expect, it } from "vitest";
import { htmlNestingDepth } from "./html-nesting-depth.js";

describe("htmlNestingDepth", () => {
  it("counts nesting as a parser builds it", () => {
    expect(htmlNestingDepth("<html><body><div><p>a</p></div></body></html>")).toBe(4);
    // Void elements, self-closing tags, comments and doctype add nothing.
    expect(htmlNestingDepth("<!doctype html><div><br><img src=x><hr/><!-- <div><div> --></div>")).toBe(1);
    // A sibling <li> or <p> closes the one before it.
    expect(htmlNestingDepth("<ul><li>a<li>b<li>c</ul>")).toBe(2);
    // Markup inside scripts and quoted attributes is not markup.
    expect(htmlNestingDepth('<div><script>"<div><div><div>"</script><a title="<b>">x</a></div>')).toBe(2);
    // A stray end tag does not pop elements it does not name.
    expect(htmlNestingDepth("<div><span></b>x</span></div>")).toBe(2);
  });

  it("stops counting past the limit, so a 200,000-deep page costs almost nothing", () => {
    const deep = `${"<div>".repeat(200_000)}x${"</div>".repeat(200_000)}`;
    const started = performance.now();
    expect(htmlNestingDepth(deep, 256)).toBe(257);
    expect(performance.now() - started).toBeLessThan(200);
    expect(htmlNestingDepth(deep)).toBe(200_000);
  });
});
