import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SearchConfigInput, searchConfigSchema } from "../core/search-config.js";
import { createSearchServices } from "./search-services.js";
import { type LocalHttpServer, sendJson, startLocalHttpServer } from "./testing/local-http-server.js";

const folder = mkdtempSync(join(tmpdir(), "loupe-search-services-"));
let server: LocalHttpServer;
/** Scripted answers per path, consumed in order; the last one repeats. */
/** Paths of the S3 uploads the server took. */
const puts: string[] = [];
const script = new Map<string, { status: number; body: unknown; headers?: Record<string, string> }[]>();

beforeAll(async () => {
  server = await startLocalHttpServer((request, response) => {
    const path = new URL(request.url, "http://localhost").pathname;
    if (request.method === "PUT" && path.startsWith("/bucket/")) {
      const authorization = String(request.headers.authorization ?? "");
      if (
        !/^AWS4-HMAC-SHA256 Credential=AKIDTEST\/\d{8}\/eu-west-1\/s3\/aws4_request, SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date, Signature=[0-9a-f]{64}$/.test(
          authorization,
        )
      ) {
        response.writeHead(403, { "Content-Type": "application/xml" });
        return response.end("<Error><Code>SignatureDoesNotMatch</Code></Error>");
      }
      puts.push(path);
      // Uploads under a "slow/" prefix take a while, for the test of a caller cancelled meanwhile.
      if (path.includes("/slow/")) return setTimeout(() => response.writeHead(200).end(), 300);
      response.writeHead(200);
      return response.end();
    }
    if (path === "/intranet-page.html") {
      response.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
      return response.end(
        "<html><head><title>Intranet wiki</title></head><body><p>Only for machines inside the network.</p></body></html>",
      );
    }
    const answers = script.get(path) ?? [{ status: 404, body: { message: `no script for ${path}` } }];
    const answer = answers.length > 1 ? answers.shift()! : answers[0]!;
    sendJson(response, answer.status, answer.body, answer.headers);
  });
});

afterAll(async () => {
  await server.close();
  rmSync(folder, { recursive: true, force: true });
});

function config(input: SearchConfigInput) {
  const provider = (name: string) => ({
    apiKey: "k",
    baseUrl: `${server.url}/${name}`,
    requestsPerSecond: 1000,
    maxRetries: 2,
  });
  return searchConfigSchema.parse({
    cache: { enabled: false },
    localIndex: { path: join(folder, "index.sqlite") },
    ...input,
    providers: {
      serper: provider("serper"),
      brave: provider("brave"),
      serpapi: provider("serpapi"),
      ...input.providers,
    },
  });
}

const braveResults = {
  web: { results: [{ title: "From brave", url: "https://brave.example/", description: "b" }] },
};
const serperResults = { organic: [{ title: "From serper", link: "https://serper.example/", snippet: "s" }] };

describe("createSearchServices", () => {
  it("waits out a 429's Retry-After and then succeeds on the same backend", async () => {
    script.set("/serper/search", [
      { status: 429, body: { message: "Too many requests" }, headers: { "Retry-After": "1" } },
      { status: 200, body: serperResults },
    ]);
    const retries: number[] = [];
    const services = createSearchServices(config({ backends: { text: ["serper", "brave"] } }), {
      onRetry: ({ delayMs }) => retries.push(delayMs),
    });
    const outcome = await services.searchText("harbour");
    expect(outcome).toEqual({
      value: [{ title: "From serper", url: "https://serper.example/", snippet: "s" }],
      backend: "serper",
      notes: [],
    });
    expect(retries).toEqual([1000]);
    services.close();
  });

  it("falls back to the next backend after 5xx retries run out, and says so", async () => {
    script.set("/serper/search", [{ status: 500, body: { message: "Internal error" } }]);
    script.set("/brave/res/v1/web/search", [{ status: 200, body: braveResults }]);
    const services = createSearchServices(config({ backends: { text: ["serper", "brave"] } }), {
      retryBaseDelayMs: 1,
    });
    const before = server.requests.length;
    const outcome = await services.searchText("harbour");
    expect(outcome.backend).toBe("brave");
    expect(outcome.notes).toEqual(["serper failed: HTTP 500: Internal error; used brave"]);
    expect(
      server.requests.slice(before).filter((request) => request.url.startsWith("/serper/")),
    ).toHaveLength(3);
    services.close();
  });

  it("does not retry a bad key, and lists every failure when all backends fail", async () => {
    script.set("/serper/search", [{ status: 401, body: { message: "Unauthorized." } }]);
    script.set("/brave/res/v1/web/search", [
      { status: 503, body: { error: { detail: "Down for maintenance" } } },
    ]);
    const services = createSearchServices(config({ backends: { text: ["serper", "brave"] } }), {
      retryBaseDelayMs: 1,
    });
    const before = server.requests.length;
    await expect(services.searchText("harbour")).rejects.toThrow(
      "Could not search the web by text: serper failed: HTTP 401: Unauthorized.; brave failed: HTTP 503: Down for maintenance.",
    );
    expect(
      server.requests.slice(before).filter((request) => request.url.startsWith("/serper/")),
    ).toHaveLength(1);
    services.close();
  });

  it("serves repeated queries from the cache", async () => {
    script.set("/brave/res/v1/web/search", [{ status: 200, body: braveResults }]);
    const services = createSearchServices(
      config({
        backends: { text: ["brave"] },
        cache: { enabled: true, path: join(folder, "cache.sqlite"), ttlSeconds: 60 },
      }),
    );
    const before = server.requests.length;
    const first = await services.searchText("cached query");
    const second = await services.searchText("cached query");
    expect(second).toEqual(first);
    expect(server.requests.length - before).toBe(1);
    services.close();
  });

  it("never serves a page cached under a relaxed address policy to a run that would refuse it", async () => {
    const cache = { enabled: true, path: join(folder, "page-cache.sqlite"), ttlSeconds: 60 };
    const url = `${server.url}/intranet-page.html`;
    const pageRequests = () =>
      server.requests.filter((request) => request.url === "/intranet-page.html").length;
    const relaxed = () =>
      createSearchServices(
        config({ backends: { page: ["direct"] }, cache, webVisit: { allowPrivateAddresses: true } }),
      );

    const first = relaxed();
    expect((await first.readPage(url)).value.title).toBe("Intranet wiki");
    first.close();
    expect(pageRequests()).toBe(1);

    const strict = createSearchServices(config({ backends: { page: ["direct"] }, cache }));
    await expect(strict.readPage(url)).rejects.toThrow(/refused .*127\.0\.0\.1 is a loopback address/);
    strict.close();

    // Trusting the host is a different policy: it fetches for itself rather than reusing the page.
    const trusting = createSearchServices(config({ backends: { page: ["direct"] }, cache }), {
      fetch: { trustedHosts: [server.host] },
    });
    expect((await trusting.readPage(url)).value.title).toBe("Intranet wiki");
    trusting.close();
    expect(pageRequests()).toBe(2);

    // The same relaxed policy still shares the cache.
    const again = relaxed();
    expect((await again.readPage(url)).value.title).toBe("Intranet wiki");
    again.close();
    expect(pageRequests()).toBe(2);
  });

  it("falls from an empty local index to a provider, noting it", async () => {
    script.set("/brave/res/v1/web/search", [{ status: 200, body: braveResults }]);
    const services = createSearchServices(config({ backends: { text: ["local", "brave"] } }));
    const outcome = await services.searchText("nothing indexed about this");
    expect(outcome.backend).toBe("brave");
    expect(outcome.notes).toEqual(["local found nothing; used brave"]);
    services.close();
  });

  it("publishes a query image to the loupe-server folder and sends its public URL to Lens", async () => {
    const directory = join(folder, "public-images");
    const image = { id: "f".repeat(64), bytes: new Uint8Array([0xff, 0xd8, 0xff, 1, 2]), mime: "image/jpeg" };
    script.set("/serpapi/search.json", [
      {
        status: 200,
        body: {
          visual_matches: [{ title: "Match", link: "https://m.example/", image: "https://m.example/i.jpg" }],
        },
      },
    ]);
    const services = createSearchServices(
      config({
        backends: { image: ["serpapi"] },
        imageHost: { kind: "loupe-server", publicBaseUrl: "https://loupe.example.com/", directory },
      }),
    );
    const outcome = await services.searchByImage(image);
    expect(outcome.value).toEqual([
      { title: "Match", link: "https://m.example/", source: "https://m.example/i.jpg" },
    ]);
    const sent = new URL(server.requests.at(-1)!.url, "http://localhost").searchParams.get("url")!;
    expect(sent).toMatch(/^https:\/\/loupe\.example\.com\/images\/[0-9a-f]{64}\.jpg$/);
    const file = join(directory, sent.split("/").pop()!);
    expect(existsSync(file)).toBe(true);
    expect(new Uint8Array(readFileSync(file))).toEqual(image.bytes);
    services.close();
  });

  it("uploads to an S3-compatible bucket with a signed PUT", async () => {
    const services = createSearchServices(
      config({
        imageHost: {
          kind: "s3",
          publicBaseUrl: "https://cdn.example.com",
          s3: {
            endpoint: server.url,
            bucket: "bucket",
            region: "eu-west-1",
            accessKeyId: "AKIDTEST",
            secretAccessKey: "secret",
            prefix: "q/",
          },
        },
      }),
    );
    const url = await services.imageHost.publish({ bytes: new Uint8Array([1, 2, 3]), mime: "image/png" });
    expect(url).toMatch(/^https:\/\/cdn\.example\.com\/q\/[0-9a-f]{64}\.png$/);
    const put = server.requests.at(-1)!;
    expect(put.method).toBe("PUT");
    expect(put.url).toMatch(/^\/bucket\/q\/[0-9a-f]{64}\.png$/);
    services.close();
  });

  it("keeps an upload going for other callers when the run that started it is cancelled", async () => {
    script.set("/serpapi/search.json", [
      { status: 200, body: { visual_matches: [{ title: "Match", link: "https://m.example/" }] } },
    ]);
    const services = createSearchServices(
      config({
        backends: { image: ["serpapi"] },
        imageHost: {
          kind: "s3",
          publicBaseUrl: "https://cdn.example.com",
          s3: {
            endpoint: server.url,
            bucket: "bucket",
            region: "eu-west-1",
            accessKeyId: "AKIDTEST",
            secretAccessKey: "secret",
            prefix: "slow/",
          },
        },
      }),
    );
    const image = { id: "c".repeat(64), bytes: new Uint8Array([7, 8, 9]), mime: "image/png" };
    const before = puts.length;
    const first = services.searchByImage(image, { signal: AbortSignal.timeout(50) });
    const second = services.searchByImage(image);
    await expect(first).rejects.toThrow();
    const outcome = await second;
    expect(outcome.value).toEqual([{ title: "Match", link: "https://m.example/", source: "" }]);
    expect(puts.length - before).toBe(1);
    services.close();
  });

  it("explains that reverse search on a provider needs an image host", async () => {
    const services = createSearchServices(config({ backends: { image: ["serpapi"] } }));
    await expect(
      services.searchByImage({ id: "a".repeat(64), bytes: new Uint8Array([1]), mime: "image/png" }),
    ).rejects.toThrow(
      /serpapi failed: Reverse image search on serpapi needs the image at a public URL, and no image host is configured/,
    );
    services.close();
  });
});
