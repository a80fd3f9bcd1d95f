import type { SearchProviderSettings } from "../../core/search-config.js";
import type { ImageSearchHit, TextSearchHit } from "../../core/tool-output.js";
import type { QueryImage, ReadPage, SearchBackend, SearchOptions } from "../backend.js";
import {
  joinUrl,
  needsPublicUrl,
  records,
  requestProviderJson,
  requireApiKey,
  text,
} from "./provider-request.js";

const searchEndpoint = "https://google.serper.dev";
const scrapeEndpoint = "https://scrape.serper.dev";

/**
 * Serper (Google results): /search, /images, /lens and the scrape service. With a baseUrl
 * override every endpoint lives under it, scrape at `${baseUrl}/scrape`.
 */
export function createSerperBackend(settings: SearchProviderSettings): SearchBackend {
  const base = settings.baseUrl ?? searchEndpoint;
  const scrapeUrl = settings.baseUrl ? joinUrl(settings.baseUrl, "scrape") : scrapeEndpoint;

  async function post(
    url: string,
    body: Record<string, unknown>,
    signal?: AbortSignal,
  ): Promise<Record<string, unknown>> {
    const apiKey = requireApiKey("serper", settings, "SERPER_API_KEY");
    const json = await requestProviderJson(
      "serper",
      url,
      {
        method: "POST",
        headers: { "X-API-KEY": apiKey, "Content-Type": "application/json" },
        body: JSON.stringify(body),
      },
      { timeoutMs: settings.timeoutMs, signal },
    );
    return (json ?? {}) as Record<string, unknown>;
  }

  return {
    name: "serper",

    async searchText(query: string, options: SearchOptions): Promise<TextSearchHit[]> {
      const json = await post(joinUrl(base, "search"), { q: query, num: options.limit }, options.signal);
      const hits: TextSearchHit[] = [];
      const graph = json.knowledgeGraph as Record<string, unknown> | undefined;
      if (graph && text(graph.description) && text(graph.website)) {
        hits.push({ title: text(graph.title), url: text(graph.website), snippet: text(graph.description) });
      }
      for (const item of records(json.organic)) {
        const hit: TextSearchHit = {
          title: text(item.title),
          url: text(item.link),
          snippet: text(item.snippet),
        };
        if (item.date) hit.date = text(item.date);
        hits.push(hit);
      }
      return hits.slice(0, options.limit);
    },

    async searchImagesByText(query: string, options: SearchOptions): Promise<ImageSearchHit[]> {
      const json = await post(joinUrl(base, "images"), { q: query, num: options.limit }, options.signal);
      return records(json.images)
        .map((item) => ({ title: text(item.title), link: text(item.link), source: text(item.imageUrl) }))
        .slice(0, options.limit);
    },

    async searchByImage(image: QueryImage, options: SearchOptions): Promise<ImageSearchHit[]> {
      if (!image.publicUrl) throw needsPublicUrl("serper");
      const json = await post(joinUrl(base, "lens"), { url: image.publicUrl }, options.signal);
      // Serper names Lens matches `organic`; some of its older answers used `visual_matches`.
      const matches = records(json.organic).length > 0 ? records(json.organic) : records(json.visual_matches);
      return matches
        .map((item) => ({
          title: text(item.title),
          link: text(item.link),
          source: text(item.imageUrl) || text(item.thumbnailUrl),
        }))
        .slice(0, options.limit);
    },

    async readPage(url: string, options: { signal?: AbortSignal }): Promise<ReadPage | undefined> {
      const json = await post(scrapeUrl, { url }, options.signal);
      const metadata = (json.metadata ?? {}) as Record<string, unknown>;
      const markdown = text(json.markdown) || text(json.text);
      return {
        url,
        title: text(metadata.title) || text(metadata["og:title"]),
        markdown,
        links: [],
        images: [],
        contentType: "text/markdown",
      };
    },
  };
}
