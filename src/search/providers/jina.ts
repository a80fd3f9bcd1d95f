import type { SearchProviderSettings } from "../../core/search-config.js";
import type { TextSearchHit } from "../../core/tool-output.js";
import type { ReadPage, SearchBackend, SearchOptions } from "../backend.js";
import { joinUrl, records, requestProviderJson, requireApiKey, text } from "./provider-request.js";

const readerEndpoint = "https://r.jina.ai";
const searchEndpoint = "https://s.jina.ai";

/**
 * Jina Reader (a page as markdown) and Jina Search. With a baseUrl override the reader lives at
 * `${baseUrl}/r/<url>` and search at `${baseUrl}/s/?q=`.
 */
export function createJinaBackend(settings: SearchProviderSettings): SearchBackend {
  const readerBase = settings.baseUrl ? joinUrl(settings.baseUrl, "r") : readerEndpoint;
  const searchBase = settings.baseUrl ? joinUrl(settings.baseUrl, "s") : searchEndpoint;

  return {
    name: "jina",

    async searchText(query: string, options: SearchOptions): Promise<TextSearchHit[]> {
      const apiKey = requireApiKey("jina", settings, "JINA_API_KEY");
      const url = new URL(`${searchBase}/`);
      url.searchParams.set("q", query);
      const json = (await requestProviderJson(
        "jina",
        url.toString(),
        { headers: { Authorization: `Bearer ${apiKey}`, Accept: "application/json" } },
        { timeoutMs: settings.timeoutMs, signal: options.signal },
      )) as Record<string, unknown>;
      return records(json?.data)
        .map((item) => ({
          title: text(item.title),
          url: text(item.url),
          snippet: text(item.description) || text(item.content).slice(0, 400),
        }))
        .slice(0, options.limit);
    },

    async readPage(url: string, options: { signal?: AbortSignal }): Promise<ReadPage | undefined> {
      // The reader works without a key at a lower rate limit, so the key is optional here.
      const headers: Record<string, string> = {
        Accept: "application/json",
        "X-With-Links-Summary": "true",
        "X-With-Images-Summary": "true",
      };
      if (settings.apiKey) headers.Authorization = `Bearer ${settings.apiKey}`;
      const json = (await requestProviderJson(
        "jina",
        `${readerBase}/${url}`,
        { headers },
        {
          timeoutMs: settings.timeoutMs,
          signal: options.signal,
        },
      )) as Record<string, unknown>;
      const data = (json?.data ?? {}) as Record<string, unknown>;
      return {
        url: text(data.url) || url,
        title: text(data.title),
        markdown: text(data.content),
        links: namedUrls(data.links).map(([name, target]) => ({ text: name, url: target })),
        images: namedUrls(data.images).map(([name, target]) => ({ alt: name, url: target })),
        contentType: "text/markdown",
      };
    },
  };
}

/** Jina sends links and images as a `{name: url}` map, or as a list of such records. */
function namedUrls(value: unknown): [string, string][] {
  if (Array.isArray(value)) {
    return records(value).map((item) => [
      text(item.text ?? item.alt ?? item.title),
      text(item.url ?? item.src),
    ]);
  }
  if (value && typeof value === "object") {
    return Object.entries(value as Record<string, unknown>).map(([name, target]) => [name, text(target)]);
  }
  return [];
}
