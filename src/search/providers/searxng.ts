import { LoupeError } from "../../core/errors.js";
import type { SearchProviderSettings } from "../../core/search-config.js";
import type { ImageSearchHit, TextSearchHit } from "../../core/tool-output.js";
import type { SearchBackend, SearchOptions } from "../backend.js";
import { joinUrl, records, requestProviderJson, text } from "./provider-request.js";

/**
 * A self-hosted SearXNG instance through its JSON API. JSON output must be enabled in the
 * instance's settings (search.formats), otherwise it answers 403.
 */
export function createSearxngBackend(settings: SearchProviderSettings): SearchBackend {
  async function search(
    query: string,
    category: string,
    options: SearchOptions,
  ): Promise<Record<string, unknown>> {
    if (!settings.baseUrl) {
      throw new LoupeError("config", "The searxng search backend has no instance URL.", {
        hint: "Set SEARXNG_URL or search.providers.searxng.baseUrl.",
      });
    }
    const url = new URL(joinUrl(settings.baseUrl, "search"));
    url.searchParams.set("q", query);
    url.searchParams.set("format", "json");
    url.searchParams.set("categories", category);
    url.searchParams.set("pageno", "1");
    const headers: Record<string, string> = { Accept: "application/json" };
    if (settings.apiKey) headers.Authorization = `Bearer ${settings.apiKey}`;
    const json = await requestProviderJson(
      "searxng",
      url.toString(),
      { headers },
      {
        timeoutMs: settings.timeoutMs,
        signal: options.signal,
      },
    );
    return (json ?? {}) as Record<string, unknown>;
  }

  return {
    name: "searxng",
    async searchText(query: string, options: SearchOptions): Promise<TextSearchHit[]> {
      const json = await search(query, "general", options);
      return records(json.results)
        .map((item) => {
          const hit: TextSearchHit = {
            title: text(item.title),
            url: text(item.url),
            snippet: text(item.content),
          };
          if (item.publishedDate) hit.date = text(item.publishedDate);
          return hit;
        })
        .slice(0, options.limit);
    },
    async searchImagesByText(query: string, options: SearchOptions): Promise<ImageSearchHit[]> {
      const json = await search(query, "images", options);
      return records(json.results)
        .map((item) => ({
          title: text(item.title),
          link: text(item.url),
          source: text(item.img_src) || text(item.thumbnail_src) || text(item.thumbnail),
        }))
        .filter((hit) => hit.source)
        .slice(0, options.limit);
    },
  };
}
