import type { ImageSearchHit, TextSearchHit } from "../core/tool-output.js";
import type { QueryImage, ReadPage, SearchBackend, SearchOptions } from "./backend.js";
import type { LocalIndex } from "./local-index/index.js";

/**
 * The local index as a backend that opens it on first use: a run that never searches never
 * touches the index file, and loading the index code (sharp, SQLite) waits until it is needed.
 */
export function lazyLocalBackend(path: string): { backend: SearchBackend; close(): void } {
  let opened: Promise<LocalIndex> | undefined;
  let index: LocalIndex | undefined;
  const open = () => {
    opened ??= import("./local-index/index.js").then(({ openLocalIndex }) => {
      index = openLocalIndex(path);
      return index;
    });
    return opened;
  };
  const backend: SearchBackend = {
    name: "local",
    searchText: async (query: string, options: SearchOptions): Promise<TextSearchHit[]> =>
      (await open()).searchText(query, options),
    searchByImage: async (image: QueryImage, options: SearchOptions): Promise<ImageSearchHit[]> =>
      (await open()).searchByImage(image, options),
    searchImagesByText: async (query: string, options: SearchOptions): Promise<ImageSearchHit[]> =>
      (await open()).searchImagesByText(query, options),
    readPage: async (url: string): Promise<ReadPage | undefined> => (await open()).readPage(url),
  };
  return {
    backend,
    close() {
      index?.close();
    },
  };
}
