import { afterAll, describe, expect, it } from "vitest";
import { tinyPdf } from "../testing/tiny-pdf.js";
import { defaultParseLimits } from "./parse-limits.js";
import { createParserPool } from "./parser-pool.js";

const pool = createParserPool({ maxWorkers: 1 });
afterAll(() => pool.close());

const page = (html: string) => ({
  kind: "web-html" as const,
  bytes: new TextEncoder().encode(html),
  contentType: "text/html; charset=utf-8",
  url: "https://example.com/",
  mediaType: "text/html",
});
const article =
  "<html><head><title>Harbour</title></head><body><article><p>The old harbour reopened on Monday after two years of repairs to the sea wall.</p></article></body></html>";
const slow = `<html><body>${"<div>".repeat(2_000)}x${"</div>".repeat(2_000)}</body></html>`;
const call = { limits: defaultParseLimits, subject: "the test page" };

describe("createParserPool", () => {
  it("parses in a worker, and replaces a worker it stopped", async () => {
    expect((await pool.parse(page(article), call)).markdown).toContain("two years of repairs");
    const slowCall = { ...call, limits: { ...defaultParseLimits, maxDomDepth: 4_096, timeoutMs: 300 } };
    await expect(pool.parse(page(slow), slowCall)).rejects.toThrow(
      "Reading the test page was stopped: parsing took longer than 0.3 s (search.webVisit.parseTimeoutMs).",
    );
    const pdf = await pool.parse({ kind: "pdf-text", bytes: tinyPdf("After the stop") }, call);
    expect(pdf.pages).toEqual(["After the stop"]);
  });

  it("rejects as cancelled when the signal fires, queued or running", async () => {
    const controller = new AbortController();
    const limits = { ...defaultParseLimits, maxDomDepth: 4_096 };
    const running = pool.parse(page(slow), { ...call, limits, signal: controller.signal });
    const queued = pool.parse(page(article), { ...call, signal: controller.signal });
    setTimeout(() => controller.abort(), 100);
    await expect(running).rejects.toMatchObject({ code: "cancelled" });
    await expect(queued).rejects.toMatchObject({ code: "cancelled" });
    expect((await pool.parse(page(article), call)).title).toBe("Harbour");
  });

  it("names a worker's own failure", async () => {
    await expect(
      pool.parse({ kind: "pdf-text", bytes: new TextEncoder().encode("%PDF-1.4 junk") }, call),
    ).rejects.toThrow(/^Reading the test page failed: /);
  });
});
