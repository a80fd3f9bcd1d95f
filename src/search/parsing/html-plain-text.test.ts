import { describe, expect, it } from "vitest";
import { htmlPlainText } from "./html-plain-text.js";

describe("htmlPlainText", () => {
  it("keeps the text, title and links, with lines for blocks and no scripts", () => {
    const plain = htmlPlainText(
      `<html><head><title>Caf&eacute; &amp; bar</title><style>p{}</style></head><body>
      <div><div><h1>Menu</h1><p>Coffee &#8211; tea&nbsp;and <a href="/cake?a=1&amp;b=2">cake</a>.</p>
      <script>alert("<p>no</p>")</script><p>a &lt; b</p></div></div></body></html>`,
      10_000,
    );
    expect(plain.title).toBe("Caf&eacute; & bar");
    expect(plain.text).toBe("Menu\n\nCoffee – tea and cake.\n\na < b");
    expect(plain.links).toEqual([{ text: "cake", href: "/cake?a=1&b=2" }]);
    expect(plain.cut).toBe(false);
  });

  it("stops at maxChars", () => {
    const plain = htmlPlainText(`<p>${"word ".repeat(1_000)}</p>`, 100);
    expect(plain.cut).toBe(true);
    expect(plain.text.length).toBeLessThanOrEqual(100);
  });
});
