import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect } from "vitest";
import type { LocalHttpServer } from "../../src/search/testing/local-http-server.js";
import { runCli } from "../support/run-cli.js";
import { hostileCase } from "./hostile-case.js";
import { askToVisit, servePages, visit } from "./web-visit-support.js";

/**
 * Hostile pages for web_visit: HTML built to make parsing slow or large. Each must end within its
 * limit with an observation that says what happened, and other pages of the same call still read.
 */

const marker = "The keeper of the deep page retired in 1990.";

/** `depth` nested <div>s around one paragraph: Readability's time grows faster than depth². */
function nestedDivs(depth: number): string {
  return `<!doctype html><html><head><title>Deep page</title></head><body>${"<div>".repeat(depth)}<p>${marker} <a href="/next">Next page</a></p>${"</div>".repeat(depth)}</body></html>`;
}

const ordinary = `<!doctype html><html><head><title>Harbour news</title></head><body><article><h1>The harbour reopens</h1>
<p>The old harbour reopened on Monday after two years of repairs to the sea wall, the city said.</p>
<p>Ferries to the islands resume next week, and the fish market returns to the quay in spring.</p></article></body></html>`;

/** Half a million paragraphs (about 6 MB): a DOM far larger than a small heap. */
const wide = `<!doctype html><html><body>${"<p>a b c</p>".repeat(500_000)}</body></html>`;

let server: LocalHttpServer;
beforeAll(async () => {
  server = await servePages({
    "/deep-3000": { body: nestedDivs(3_000), contentType: "text/html; charset=utf-8" },
    "/deep-200000": { body: nestedDivs(200_000), contentType: "text/html; charset=utf-8" },
    "/deep-1500": { body: nestedDivs(1_500), contentType: "text/html; charset=utf-8" },
    "/wide": { body: wide, contentType: "text/html; charset=utf-8" },
    "/ordinary": { body: ordinary, contentType: "text/html; charset=utf-8" },
  });
});
afterAll(() => server.close());

describe("hostile pages (web_visit)", () => {
  hostileCase("3,000 nested divs (36 KB) are read as plain text, with a note", 15_000, async () => {
    const result = await visit(server, [`${server.url}/deep-3000`]);
    expect(result.isError).toBe(false);
    expect(result.text).toContain(
      "Note: the page is nested deeper than 256 levels (search.webVisit.maxDomDepth); it was read as plain text.",
    );
    expect(result.text).toContain(marker);
    expect(result.text).toContain(`[Next page](${server.url}/next)`);
    expect(result.text).toContain("# Deep page");
  });

  hostileCase("200,000 nested divs (2.2 MB) are read as plain text in about a second", 15_000, async () => {
    const started = performance.now();
    const result = await visit(server, [`${server.url}/deep-200000`, `${server.url}/ordinary`]);
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(result.isError).toBe(false);
    expect(result.text).toContain("Note: the page is nested deeper than 256 levels");
    expect(result.text).toContain(marker);
    expect(result.text).toContain("two years of repairs");
  });

  hostileCase(
    "a page Readability would take half a minute on is stopped at parseTimeoutMs",
    15_000,
    async () => {
      // The depth limit raised so the page reaches Readability; only the time limit stands in its way.
      const started = performance.now();
      const result = await visit(server, [`${server.url}/deep-1500`, `${server.url}/ordinary`], {
        maxDomDepth: 4_096,
        parseTimeoutMs: 1_000,
      });
      expect(performance.now() - started).toBeLessThan(6_000);
      expect(result.isError).toBe(false);
      expect(result.text).toContain(`Page ${server.url}/deep-1500: could not be read.`);
      expect(result.text).toMatch(
        /was stopped: parsing took longer than 1 s \(search\.webVisit\.parseTimeoutMs\)/,
      );
      expect(result.text).toContain("two years of repairs");
    },
  );

  hostileCase("the run's deadline stops a parse in flight", 15_000, async () => {
    const deadline = AbortSignal.timeout(500);
    const started = performance.now();
    const result = await visit(server, [`${server.url}/deep-1500`], { maxDomDepth: 4_096 }, deadline);
    expect(performance.now() - started).toBeLessThan(4_000);
    expect(result.isError).toBe(true);
    expect(result.text).toContain(`Page ${server.url}/deep-1500: could not be read.`);
  });

  hostileCase("a page whose DOM outgrows parseMemoryMb is stopped and named", 20_000, async () => {
    const result = await visit(server, [`${server.url}/wide`, `${server.url}/ordinary`], {
      parseMemoryMb: 64,
    });
    expect(result.isError).toBe(false);
    expect(result.text).toContain(`Page ${server.url}/wide: could not be read.`);
    expect(result.text).toMatch(
      /parsing needed more than 64 MB of memory \(search\.webVisit\.parseMemoryMb\)/,
    );
    expect(result.text).toContain("two years of repairs");
  });

  hostileCase(
    "loupe ask visiting 200,000 nested divs: the run ends, under 1 GB, with the note in its trajectory",
    30_000,
    async () => {
      const asked = await askToVisit([`${server.url}/deep-200000`, `${server.url}/ordinary`], {
        timeLimitSeconds: 20,
      });
      expect(asked.result.code, asked.result.stderr).toBe(0);
      expect(asked.result.stdout.trim()).toBe("done");
      expect(asked.observation).toContain("Note: the page is nested deeper than 256 levels");
      expect(asked.observation).toContain(marker);
      expect(asked.observation).toContain("two years of repairs");
      expect(asked.peakMemoryBytes).toBeLessThan(1024 ** 3);
      const [observation] = asked.trajectory.steps[0].observations;
      expect(observation.tool).toBe("web_visit");
      expect(observation.data.pages[0].content).toContain("Note: the page is nested deeper than 256 levels");
    },
  );
});

describe("hostile pages (local index)", () => {
  hostileCase(
    "loupe index add of 200,000 nested divs indexes the page as plain text, under 1 GB",
    30_000,
    async () => {
      const folder = await mkdtemp(join(tmpdir(), "loupe-hostile-index-"));
      try {
        const corpus = join(folder, "corpus");
        await mkdir(corpus);
        await writeFile(join(corpus, "deep.html"), nestedDivs(200_000));
        await writeFile(join(corpus, "harbour.html"), ordinary);
        const index = join(folder, "index.sqlite");
        const env = { LOUPE_HOME: join(folder, "home") };
        const peakMemoryFile = join(folder, "peak-memory");
        const added = await runCli(["index", "add", corpus, "--index", index, "--json"], {
          env,
          peakMemoryFile,
        });
        expect(added.code, added.stderr).toBe(0);
        expect(JSON.parse(added.stdout)).toMatchObject({ documents: 2, failed: [] });
        expect(Number(await readFile(peakMemoryFile, "utf8"))).toBeLessThan(1024 ** 3);
        const found = await runCli(
          ["index", "search", "keeper deep page retired", "--index", index, "--json"],
          { env },
        );
        expect(found.code, found.stderr).toBe(0);
        expect(found.stdout).toContain("deep.html");
      } finally {
        await rm(folder, { recursive: true, force: true });
      }
    },
  );
});
