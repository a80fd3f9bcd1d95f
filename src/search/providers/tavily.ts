import type { SearchProviderSettings } from "../../core/search-config.js";
import type { ImageSearchHit, TextSearchHit } from "../../core/tool-output.js";
import type { SearchBackend, SearchOptions } from "../backend.js";
import { joinUrl, records, requestProviderJson, requireApiKey, text } from "./provider-request.js";

const endpoint = "https://api.tavily.com";

/** Tavily search: web results, and the images it attaches to a query (text-to-image). */
export function createTavilyBackend(settings: SearchProviderSettings): SearchBackend {
  const base = settings.baseUrl ?? endpoint;

  async function search(
    query: string,
    options: SearchOptions,
    includeImages: boolean,
  ): Promise<Record<string, unknown>> {
    const apiKey = requireApiKey("tavily", settings, "TAVILY_API_KEY");
    const json = await requestProviderJson(
      "tavily",
      joinUrl(base, "search"),
      {
        method: "POST",
        headers: { Authorization: `Bearer ${apiKey}`, "Content-Type": "application/json" },
        body: JSON.stringify({
          query,
          max_results: Math.min(20, options.limit),
          include_images: includeImages,
          include_answer: false,
          search_depth: "basic",
        }),
      },
      { timeoutMs: settings.timeoutMs, signal: options.signal },
    );
    return (json ?? {}) as Record<string, unknown>;
  }

  return {
    name: "tavily",
    async searchText(query: string, options: SearchOptions): Promise<TextSearchHit[]> {
      const json = await search(query, options, false);
      return records(json.results)
        .map((item) => {
          const hit: TextSearchHit = {
            title: text(item.title),
            url: text(item.url),
            snippet: text(item.content),
          };
          if (item.published_date) hit.date = text(item.published_date);
          return hit;
        })
        .slice(0, options.limit);
    },
    async searchImagesByText(query: string, options: SearchOptions): Promise<ImageSearchHit[]> {
      const json = await search(query, options, true);
      const images = Array.isArray(json.images) ? json.images : [];
      // Tavily lists plain URLs, or {url, description} when image descriptions are on.
      return images
        .map((item: unknown) => {
          if (typeof item === "string") return { title: "", link: item, source: item };
          const record = (item ?? {}) as Record<string, unknown>;
          return { title: text(record.description), link: text(record.url), source: text(record.url) };
        })
        .filter((hit) => hit.source)
        .slice(0, options.limit);
    },
  };
}
