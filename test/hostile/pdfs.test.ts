import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect } from "vitest";
import type { LocalHttpServer } from "../../src/search/testing/local-http-server.js";
import { inflatingPdf, manyPagePdf, tinyPdf } from "../../src/search/testing/tiny-pdf.js";
import { runCli } from "../support/run-cli.js";
import { hostileCase } from "./hostile-case.js";
import { askToVisit, servePages, visit } from "./web-visit-support.js";

/**
 * Hostile PDFs for web_visit and the local index: decompression bombs, page floods, text floods.
 * Each ends within its limit, says what a limit left out, and loses the rest of the call.
 */

const pdf = (body: Uint8Array) => ({ body, contentType: "application/pdf" });
let server: LocalHttpServer;
let bomb: Uint8Array;
let hiddenBomb: Uint8Array;
let manyPages: Uint8Array;

beforeAll(async () => {
  // 256 MB of content in a file of about 250 KB; the default limit is 64 MB.
  bomb = await inflatingPdf("Before the bomb", 256 * 1024 * 1024);
  // 1 GB of content whose filter the pre-scan cannot see: only the memory watch stands in its way.
  hiddenBomb = await inflatingPdf("Before the hidden bomb", 1024 * 1024 * 1024, { filterByReference: true });
  manyPages = manyPagePdf(50_000, "One of fifty thousand pages");
  server = await servePages({
    "/bomb.pdf": pdf(bomb),
    "/hidden-bomb.pdf": pdf(hiddenBomb),
    "/many-pages.pdf": pdf(manyPages),
    "/long-text.pdf": pdf(manyPagePdf(300, "Forty characters of text on every page.")),
    "/paper.pdf": pdf(tinyPdf("Loupe reads PDF pages")),
  });
}, 60_000);
afterAll(() => server.close());

describe("hostile PDFs (web_visit)", () => {
  hostileCase(
    "a stream that inflates to 256 MB stops at 64 MB; the rest of the PDF is read",
    15_000,
    async () => {
      expect(bomb.byteLength).toBeLessThan(1024 * 1024);
      const result = await visit(server, [`${server.url}/bomb.pdf`, `${server.url}/paper.pdf`]);
      expect(result.isError).toBe(false);
      expect(result.text).toContain(
        "Note: the PDF's content inflates past 64 MB (search.webVisit.maxInflatedBytes); reading stopped there, so 1 of its 1 compressed stream was left out and some text may be missing.",
      );
      expect(result.text).toContain("## Page 1 of 2\n\nBefore the bomb");
      expect(result.text).toContain("Loupe reads PDF pages");
    },
  );

  hostileCase("a bomb the pre-scan cannot see is stopped by the memory watch", 15_000, async () => {
    const result = await visit(server, [`${server.url}/hidden-bomb.pdf`, `${server.url}/paper.pdf`], {
      parseMemoryMb: 128,
    });
    expect(result.isError).toBe(false);
    expect(result.text).toContain(`Page ${server.url}/hidden-bomb.pdf: could not be read.`);
    expect(result.text).toMatch(
      /the PDF at .*hidden-bomb\.pdf was stopped: parsing needed more than 128 MB of memory \(search\.webVisit\.parseMemoryMb\)/,
    );
    expect(result.text).toContain("Loupe reads PDF pages");
  });

  hostileCase("a PDF whose text passes maxTextChars stops there, with a note", 15_000, async () => {
    const result = await visit(server, [`${server.url}/long-text.pdf`], {
      maxTextChars: 1_000,
      maxChars: 50_000,
    });
    expect(result.isError).toBe(false);
    expect(result.text).toMatch(
      /Note: the PDF's text passes 1,000 characters \(search\.webVisit\.maxTextChars\); reading stopped on page 2\d of 300\./,
    );
    expect(result.text).toContain("## Page 20 of 300\n\nForty characters of text on every page.");
    expect(result.text).not.toContain("## Page 30 of 300");
  });

  hostileCase(
    "loupe ask on a 50,000-page PDF and a bomb: the run ends, under 1 GB, with notes and a trajectory",
    50_000,
    async () => {
      expect(manyPages.byteLength).toBeGreaterThan(6_000_000);
      // Opening a 50,000-page tree is pdf.js's slowest step (about 3 s alone, 15 s on a busy
      // two-core machine), so this case gives parsing 30 s; the page limit is what it shows.
      const asked = await askToVisit([`${server.url}/many-pages.pdf`, `${server.url}/bomb.pdf`], {
        timeLimitSeconds: 45,
        webVisit: { parseTimeoutMs: 30_000 },
      });
      expect(asked.result.code, asked.result.stderr).toBe(0);
      expect(asked.result.stdout.trim()).toBe("done");
      expect(asked.observation).toContain(
        "Note: only the first 50 of 50,000 pages were read (search.webVisit.maxPdfPages).",
      );
      expect(asked.observation).toContain("## Page 50 of 50000\n\nOne of fifty thousand pages");
      expect(asked.observation).toContain("Note: the PDF's content inflates past 64 MB");
      expect(asked.observation).toContain("Before the bomb");
      expect(asked.peakMemoryBytes).toBeLessThan(1024 ** 3);
      const [observation] = asked.trajectory.steps[0].observations;
      expect(observation.tool).toBe("web_visit");
      expect(observation.data.pages).toHaveLength(2);
    },
  );
});

describe("hostile PDFs (local index)", () => {
  hostileCase(
    "loupe index add of a 50,000-page PDF and a bomb indexes both, under 1 GB",
    40_000,
    async () => {
      const folder = await mkdtemp(join(tmpdir(), "loupe-hostile-index-"));
      try {
        const corpus = join(folder, "corpus");
        await mkdir(corpus);
        await writeFile(join(corpus, "many-pages.pdf"), manyPages);
        await writeFile(join(corpus, "bomb.pdf"), bomb);
        const peakMemoryFile = join(folder, "peak-memory");
        const result = await runCli(
          ["index", "add", corpus, "--index", join(folder, "index.sqlite"), "--json"],
          {
            env: { LOUPE_HOME: join(folder, "home") },
            peakMemoryFile,
            timeoutMs: 60_000,
          },
        );
        expect(result.code, result.stderr).toBe(0);
        expect(JSON.parse(result.stdout)).toMatchObject({ documents: 2, failed: [] });
        expect(Number(await readFile(peakMemoryFile, "utf8"))).toBeLessThan(1024 ** 3);
        const search = await runCli(
          ["index", "search", "fifty thousand", "--index", join(folder, "index.sqlite"), "--json"],
          {
            env: { LOUPE_HOME: join(folder, "home") },
          },
        );
        expect(search.code, search.stderr).toBe(0);
        expect(search.stdout).toContain("many-pages");
      } finally {
        await rm(folder, { recursive: true, force: true });
      }
    },
  );
});
