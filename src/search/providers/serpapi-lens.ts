import type { SearchProviderSettings } from "../../core/search-config.js";
import type { ImageSearchHit } from "../../core/tool-output.js";
import type { QueryImage, SearchBackend, SearchOptions } from "../backend.js";
import {
  joinUrl,
  needsPublicUrl,
  records,
  requestProviderJson,
  requireApiKey,
  text,
} from "./provider-request.js";

const endpoint = "https://serpapi.com";

/** SerpAPI's Google Lens engine: reverse image search by a public image URL. */
export function createSerpapiLensBackend(settings: SearchProviderSettings): SearchBackend {
  const base = settings.baseUrl ?? endpoint;
  return {
    name: "serpapi",
    async searchByImage(image: QueryImage, options: SearchOptions): Promise<ImageSearchHit[]> {
      const apiKey = requireApiKey("serpapi", settings, "SERPAPI_API_KEY");
      if (!image.publicUrl) throw needsPublicUrl("serpapi");
      const url = new URL(joinUrl(base, "search.json"));
      url.searchParams.set("engine", "google_lens");
      url.searchParams.set("url", image.publicUrl);
      url.searchParams.set("api_key", apiKey);
      const json = (await requestProviderJson(
        "serpapi",
        url.toString(),
        { headers: { Accept: "application/json" } },
        {
          timeoutMs: settings.timeoutMs,
          signal: options.signal,
        },
      )) as Record<string, unknown>;
      return records(json?.visual_matches)
        .map((item) => ({
          title: text(item.title),
          link: text(item.link),
          source: text(item.image) || text(item.thumbnail),
        }))
        .slice(0, options.limit);
    },
  };
}
