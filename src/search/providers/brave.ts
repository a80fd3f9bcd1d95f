import type { SearchProviderSettings } from "../../core/search-config.js";
import type { TextSearchHit } from "../../core/tool-output.js";
import type { SearchBackend, SearchOptions } from "../backend.js";
import { joinUrl, records, requestProviderJson, requireApiKey, text } from "./provider-request.js";

const endpoint = "https://api.search.brave.com";

/** Brave Search API, web results. Brave caps `count` at 20. */
export function createBraveBackend(settings: SearchProviderSettings): SearchBackend {
  const base = settings.baseUrl ?? endpoint;
  return {
    name: "brave",
    async searchText(query: string, options: SearchOptions): Promise<TextSearchHit[]> {
      const apiKey = requireApiKey("brave", settings, "BRAVE_API_KEY");
      const url = new URL(joinUrl(base, "res/v1/web/search"));
      url.searchParams.set("q", query);
      url.searchParams.set("count", String(Math.min(20, options.limit)));
      const json = (await requestProviderJson(
        "brave",
        url.toString(),
        { headers: { "X-Subscription-Token": apiKey, Accept: "application/json" } },
        { timeoutMs: settings.timeoutMs, signal: options.signal },
      )) as { web?: { results?: unknown } };
      return records(json?.web?.results)
        .map((item) => {
          const hit: TextSearchHit = {
            title: text(item.title),
            url: text(item.url),
            snippet: text(item.description),
          };
          const date = text(item.page_age) || text(item.age);
          if (date) hit.date = date;
          return hit;
        })
        .slice(0, options.limit);
    },
  };
}
