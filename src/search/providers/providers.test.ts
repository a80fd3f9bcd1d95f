import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { searchProviderSettingsSchema } from "../../core/search-config.js";
import { SearchHttpError } from "../search-http-error.js";
import { type LocalHttpServer, sendJson, startLocalHttpServer } from "../testing/local-http-server.js";
import { createBraveBackend } from "./brave.js";
import { createJinaBackend } from "./jina.js";
import { createSearxngBackend } from "./searxng.js";
import { createSerpapiLensBackend } from "./serpapi-lens.js";
import { createSerperBackend } from "./serper.js";
import { createTavilyBackend } from "./tavily.js";

const goodKey = "test-key";
const image = {
  id: "abc123",
  bytes: new Uint8Array([1, 2, 3]),
  mime: "image/jpeg",
  publicUrl: "https://img.example/q.jpg",
};

let server: LocalHttpServer;

/** Answers like each provider does, including each one's own error bodies for a bad key. */
beforeAll(async () => {
  server = await startLocalHttpServer((request, response) => {
    const url = new URL(request.url, "http://localhost");
    const body = request.body ? JSON.parse(request.body) : {};
    if (url.pathname.startsWith("/serper/")) {
      if (request.headers["x-api-key"] !== goodKey)
        return sendJson(response, 401, { message: "Unauthorized.", statusCode: 401 });
      if (url.pathname === "/serper/search") {
        return sendJson(response, 200, {
          searchParameters: { q: body.q, type: "search" },
          knowledgeGraph: {
            title: "Eiffel Tower",
            type: "Tower",
            website: "https://toureiffel.paris",
            description: "Iron tower in Paris.",
          },
          organic: [
            {
              title: "Eiffel Tower - Wikipedia",
              link: "https://en.wikipedia.org/wiki/Eiffel_Tower",
              snippet: "Wrought-iron lattice tower.",
              date: "Mar 3, 2024",
              position: 1,
            },
            { title: "Visit", link: "https://example.org/visit", snippet: "Tickets.", position: 2 },
          ],
          relatedSearches: [{ query: "eiffel tower height" }],
        });
      }
      if (url.pathname === "/serper/images") {
        return sendJson(response, 200, {
          images: [
            {
              title: "Tower at night",
              imageUrl: "https://img.example/t.jpg",
              imageWidth: 800,
              imageHeight: 600,
              thumbnailUrl: "https://t.example/t.jpg",
              source: "Example",
              domain: "example.org",
              link: "https://example.org/night",
              position: 1,
            },
          ],
        });
      }
      if (url.pathname === "/serper/lens") {
        expect(body.url).toBe(image.publicUrl);
        return sendJson(response, 200, {
          organic: [
            {
              title: "Signicade sign",
              link: "https://shop.example/sign",
              source: "Shop",
              imageUrl: "https://shop.example/sign.jpg",
              thumbnailUrl: "https://t.example/s.jpg",
            },
          ],
        });
      }
      if (url.pathname === "/serper/scrape") {
        return sendJson(response, 200, {
          text: "Plain text of the page",
          markdown: "# Page\n\nBody",
          metadata: { title: "A page" },
          credits: 1,
        });
      }
    }
    if (url.pathname === "/brave/res/v1/web/search") {
      if (request.headers["x-subscription-token"] !== goodKey) {
        return sendJson(response, 401, {
          type: "ErrorResponse",
          error: {
            code: "SUBSCRIPTION_TOKEN_INVALID",
            detail: "The provided subscription token is invalid.",
            status: 401,
          },
        });
      }
      expect(url.searchParams.get("count")).toBe("5");
      return sendJson(response, 200, {
        type: "search",
        web: {
          type: "search",
          results: [
            {
              title: "Brave hit",
              url: "https://brave.example/a",
              description: "From <strong>Brave</strong>.",
              page_age: "2024-01-02T00:00:00",
            },
          ],
        },
      });
    }
    if (url.pathname === "/tavily/search") {
      if (request.headers.authorization !== `Bearer ${goodKey}`)
        return sendJson(response, 401, { detail: { error: "Unauthorized: missing or invalid API key." } });
      return sendJson(response, 200, {
        query: body.query,
        answer: null,
        images: body.include_images
          ? ["https://img.example/tavily.jpg", { url: "https://img.example/two.jpg", description: "Second" }]
          : [],
        results: [
          {
            title: "Tavily hit",
            url: "https://tavily.example/a",
            content: "Content snippet.",
            score: 0.9,
            raw_content: null,
          },
        ],
        response_time: 0.5,
      });
    }
    if (url.pathname.startsWith("/jina/r/")) {
      expect(url.pathname.slice("/jina/r/".length)).toBe("https://news.example/story");
      return sendJson(response, 200, {
        code: 200,
        status: 20000,
        data: {
          title: "Story",
          description: "A story",
          url: "https://news.example/story",
          content: "Markdown **content**",
          links: { "Next story": "https://news.example/next" },
          images: { "Image 1: harbour": "https://news.example/h.jpg" },
        },
      });
    }
    if (url.pathname === "/jina/s/") {
      if (request.headers.authorization !== `Bearer ${goodKey}`) {
        return sendJson(response, 401, {
          data: null,
          code: 401,
          name: "AuthenticationRequiredError",
          status: 40103,
          message: "Authentication is required to use this endpoint.",
          readableMessage: "AuthenticationRequiredError: Authentication is required",
        });
      }
      return sendJson(response, 200, {
        code: 200,
        status: 20000,
        data: [
          {
            title: "Jina hit",
            url: "https://jina.example/a",
            description: "Described.",
            content: "Long content",
          },
        ],
      });
    }
    if (url.pathname === "/searxng/search") {
      if (url.searchParams.get("format") !== "json") return sendJson(response, 400, { error: "format" });
      if (url.searchParams.get("q") === "formats-disabled") {
        response.writeHead(403, { "Content-Type": "text/html" });
        return response.end("<html><body>403 Forbidden</body></html>");
      }
      const images = url.searchParams.get("categories") === "images";
      return sendJson(response, 200, {
        query: url.searchParams.get("q"),
        number_of_results: 1,
        results: images
          ? [
              {
                url: "https://pics.example/page",
                title: "Pic",
                img_src: "https://pics.example/p.jpg",
                thumbnail_src: "https://pics.example/t.jpg",
                engine: "bing images",
                category: "images",
              },
            ]
          : [
              {
                url: "https://searx.example/a",
                title: "Searx hit",
                content: "Snippet",
                engine: "duckduckgo",
                engines: ["duckduckgo"],
                score: 1,
                category: "general",
                publishedDate: "2024-05-01T00:00:00",
              },
            ],
        answers: [],
        infoboxes: [],
        suggestions: [],
        unresponsive_engines: [],
      });
    }
    if (url.pathname === "/serpapi/search.json") {
      if (url.searchParams.get("api_key") !== goodKey)
        return sendJson(response, 401, {
          error: "Invalid API key. Your API key should be here: https://serpapi.com/manage-api-key",
        });
      expect(url.searchParams.get("engine")).toBe("google_lens");
      expect(url.searchParams.get("url")).toBe(image.publicUrl);
      return sendJson(response, 200, {
        search_metadata: { status: "Success" },
        visual_matches: [
          {
            position: 1,
            title: "Lens match",
            link: "https://lens.example/a",
            source: "Lens",
            thumbnail: "https://t.example/l.jpg",
            image: "https://lens.example/a.jpg",
          },
        ],
      });
    }
    sendJson(response, 404, { message: `no route ${url.pathname}` });
  });
});

afterAll(() => server.close());

const settings = (provider: string, apiKey: string | null = goodKey) =>
  searchProviderSettingsSchema.parse({
    apiKey: apiKey ?? undefined,
    baseUrl: `${server.url}/${provider}`,
    timeoutMs: 5000,
  });
const options = { limit: 5 };

async function httpError(promise: Promise<unknown>): Promise<SearchHttpError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(SearchHttpError);
  return error as SearchHttpError;
}

describe("serper", () => {
  it("maps search, images, lens and scrape", async () => {
    const serper = createSerperBackend(settings("serper"));
    const text = await serper.searchText!("eiffel tower", options);
    expect(text[0]).toEqual({
      title: "Eiffel Tower",
      url: "https://toureiffel.paris",
      snippet: "Iron tower in Paris.",
    });
    expect(text[1]).toEqual({
      title: "Eiffel Tower - Wikipedia",
      url: "https://en.wikipedia.org/wiki/Eiffel_Tower",
      snippet: "Wrought-iron lattice tower.",
      date: "Mar 3, 2024",
    });
    expect(JSON.parse(server.requests.at(-1)!.body)).toEqual({ q: "eiffel tower", num: 5 });
    expect(await serper.searchImagesByText!("tower", options)).toEqual([
      { title: "Tower at night", link: "https://example.org/night", source: "https://img.example/t.jpg" },
    ]);
    expect(await serper.searchByImage!(image, options)).toEqual([
      { title: "Signicade sign", link: "https://shop.example/sign", source: "https://shop.example/sign.jpg" },
    ]);
    const page = await serper.readPage!("https://example.org/x", {});
    expect(page).toMatchObject({ title: "A page", markdown: "# Page\n\nBody", url: "https://example.org/x" });
  });

  it("names the provider, status and message on a bad key, and asks for a public URL for lens", async () => {
    const error = await httpError(createSerperBackend(settings("serper", "wrong")).searchText!("q", options));
    expect(error.message).toBe("serper HTTP 401: Unauthorized.");
    expect(error.status).toBe(401);
    expect(error.retryable).toBe(false);
    await expect(
      createSerperBackend(settings("serper")).searchByImage!({ ...image, publicUrl: undefined }, options),
    ).rejects.toThrow(/needs the image at a public URL/);
    await expect(createSerperBackend(settings("serper", null)).searchText!("q", options)).rejects.toThrow(
      /no API key/,
    );
  });
});

describe("brave", () => {
  it("maps web results and reports its error detail", async () => {
    expect(await createBraveBackend(settings("brave")).searchText!("q", options)).toEqual([
      {
        title: "Brave hit",
        url: "https://brave.example/a",
        snippet: "From <strong>Brave</strong>.",
        date: "2024-01-02T00:00:00",
      },
    ]);
    const error = await httpError(createBraveBackend(settings("brave", "wrong")).searchText!("q", options));
    expect(error.message).toBe("brave HTTP 401: The provided subscription token is invalid.");
  });
});

describe("tavily", () => {
  it("maps results and images, and reports its error detail", async () => {
    const tavily = createTavilyBackend(settings("tavily"));
    expect(await tavily.searchText!("q", options)).toEqual([
      { title: "Tavily hit", url: "https://tavily.example/a", snippet: "Content snippet." },
    ]);
    expect(await tavily.searchImagesByText!("q", options)).toEqual([
      { title: "", link: "https://img.example/tavily.jpg", source: "https://img.example/tavily.jpg" },
      { title: "Second", link: "https://img.example/two.jpg", source: "https://img.example/two.jpg" },
    ]);
    const error = await httpError(createTavilyBackend(settings("tavily", "wrong")).searchText!("q", options));
    expect(error.message).toBe("tavily HTTP 401: Unauthorized: missing or invalid API key.");
  });
});

describe("jina", () => {
  it("reads a page with links and images, searches, and reports its error message", async () => {
    const jina = createJinaBackend(settings("jina"));
    expect(await jina.readPage!("https://news.example/story", {})).toEqual({
      url: "https://news.example/story",
      title: "Story",
      markdown: "Markdown **content**",
      links: [{ text: "Next story", url: "https://news.example/next" }],
      images: [{ alt: "Image 1: harbour", url: "https://news.example/h.jpg" }],
      contentType: "text/markdown",
    });
    expect(await jina.searchText!("q", options)).toEqual([
      { title: "Jina hit", url: "https://jina.example/a", snippet: "Described." },
    ]);
    const error = await httpError(createJinaBackend(settings("jina", "wrong")).searchText!("q", options));
    expect(error.message).toBe("jina HTTP 401: Authentication is required to use this endpoint.");
  });
});

describe("searxng", () => {
  it("maps general and image results, and explains a 403 from disabled JSON output", async () => {
    const searxng = createSearxngBackend(settings("searxng", null));
    expect(await searxng.searchText!("q", options)).toEqual([
      { title: "Searx hit", url: "https://searx.example/a", snippet: "Snippet", date: "2024-05-01T00:00:00" },
    ]);
    expect(await searxng.searchImagesByText!("q", options)).toEqual([
      { title: "Pic", link: "https://pics.example/page", source: "https://pics.example/p.jpg" },
    ]);
    const error = await httpError(searxng.searchText!("formats-disabled", options));
    expect(error.status).toBe(403);
    expect(error.hint).toMatch(/search\.formats/);
  });
});

describe("serpapi google lens", () => {
  it("maps visual matches and reports its error text", async () => {
    expect(await createSerpapiLensBackend(settings("serpapi")).searchByImage!(image, options)).toEqual([
      { title: "Lens match", link: "https://lens.example/a", source: "https://lens.example/a.jpg" },
    ]);
    const error = await httpError(
      createSerpapiLensBackend(settings("serpapi", "wrong")).searchByImage!(image, options),
    );
    expect(error.message).toMatch(/^serpapi HTTP 401: Invalid API key/);
  });
});
