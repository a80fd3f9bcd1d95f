import type { ReadPage, SearchBackend } from "../backend.js";
import { type FetchPageOptions, fetchPage } from "./fetch-page.js";
import { toReadPage } from "./page-content.js";

/** Reads pages by fetching them from here, under the SSRF rules of fetchPage. Name "direct". */
export function createDirectBackend(options: Omit<FetchPageOptions, "signal">): SearchBackend {
  return {
    name: "direct",
    async readPage(url: string, call: { signal?: AbortSignal }): Promise<ReadPage> {
      return toReadPage(await fetchPage(url, { ...options, signal: call.signal }));
    },
  };
}
