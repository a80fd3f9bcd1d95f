import { AsyncLocalStorage } from "node:async_hooks";
import { LoupeError } from "../../core/errors.js";
import type { ImageSearchHit, TextSearchHit } from "../../core/tool-output.js";
import type { ReadPage, SearchBackend } from "../../search/backend.js";
import type { RecordedSearches } from "./recorded-searches.js";

/** The item whose run is asking, for the recorded backend (set around each item's run). */
export const currentItem = new AsyncLocalStorage<{ itemId: string; imageSearches: number }>();

export const RECORDED_BACKEND = "recorded";

/**
 * A search backend that answers from an earlier evaluation's recorded observations, so a rerun
 * sees identical search results (decision 1125). The item is known from `currentItem` (the runner
 * sets it around each item's run): a text query gets that item's recorded hits for the same
 * query, else any item's; the n-th image search of a run gets the n-th recorded one; a page is
 * served by URL. What was never recorded is a failed search (the tool tells the model), never a
 * request to the network.
 */
export function recordedSearchBackend(recorded: RecordedSearches): SearchBackend {
  const item = () => {
    const context = currentItem.getStore();
    return context ? { context, searches: recorded.item(context.itemId) } : undefined;
  };
  return {
    name: RECORDED_BACKEND,
    async searchText(query: string, options): Promise<TextSearchHit[]> {
      const hits = item()?.searches?.text.get(query) ?? recorded.anyText(query);
      if (!hits) throw notRecorded(`the text search "${query}"`);
      return hits.slice(0, options.limit);
    },
    async searchByImage(_image, options): Promise<ImageSearchHit[]> {
      return nextImageSearch(item(), options.limit);
    },
    async searchImagesByText(_query, options): Promise<ImageSearchHit[]> {
      return nextImageSearch(item(), options.limit);
    },
    async readPage(url: string): Promise<ReadPage | undefined> {
      const page = item()?.searches?.pages.get(url);
      if (!page) throw notRecorded(`the page ${url}`);
      return {
        url: page.url,
        title: page.title,
        markdown: page.content,
        links: [],
        images: [],
        contentType: "text/markdown",
      };
    },
  };
}

function nextImageSearch(
  item: { context: { imageSearches: number }; searches: ReturnType<RecordedSearches["item"]> } | undefined,
  limit: number,
): ImageSearchHit[] {
  if (!item) throw notRecorded("an image search outside an evaluation item");
  const hits = item.searches?.image[item.context.imageSearches++];
  if (!hits) throw notRecorded(`image search number ${item.context.imageSearches} of this item`);
  return hits.slice(0, limit);
}

function notRecorded(what: string): LoupeError {
  return new LoupeError(
    "tool-failed",
    `The recorded run has no result for ${what}: the replay serves only what was recorded.`,
  );
}
