import type { ImageSearchHit, TextSearchHit } from "../core/tool-output.js";
import type { QueryImage, ReadPage, SearchBackend, SearchOptions } from "./backend.js";

export type BackendOperation = "searchText" | "searchByImage" | "searchImagesByText" | "readPage";

/** One call on a backend, described the same way for every operation. */
export interface BackendCall {
  backend: string;
  operation: BackendOperation;
  /** The query text, the image's sha256, or the URL. */
  subject: string;
  limit?: number;
  signal?: AbortSignal;
}

export type AroundCall = (call: BackendCall, run: () => Promise<unknown>) => Promise<unknown>;

/**
 * A backend with the same name and capabilities whose every call goes through `around`. The
 * cache, the rate limiter and the retry policy are each one `around`, stacked by the services.
 */
export function wrapBackend(backend: SearchBackend, around: AroundCall): SearchBackend {
  const wrapped: SearchBackend = { name: backend.name };
  const searchText = backend.searchText?.bind(backend);
  if (searchText) {
    wrapped.searchText = (query: string, options: SearchOptions) =>
      around(
        {
          backend: backend.name,
          operation: "searchText",
          subject: query,
          limit: options.limit,
          signal: options.signal,
        },
        () => searchText(query, options),
      ) as Promise<TextSearchHit[]>;
  }
  const searchImagesByText = backend.searchImagesByText?.bind(backend);
  if (searchImagesByText) {
    wrapped.searchImagesByText = (query: string, options: SearchOptions) =>
      around(
        {
          backend: backend.name,
          operation: "searchImagesByText",
          subject: query,
          limit: options.limit,
          signal: options.signal,
        },
        () => searchImagesByText(query, options),
      ) as Promise<ImageSearchHit[]>;
  }
  const searchByImage = backend.searchByImage?.bind(backend);
  if (searchByImage) {
    wrapped.searchByImage = (image: QueryImage, options: SearchOptions) =>
      around(
        {
          backend: backend.name,
          operation: "searchByImage",
          subject: image.id,
          limit: options.limit,
          signal: options.signal,
        },
        () => searchByImage(image, options),
      ) as Promise<ImageSearchHit[]>;
  }
  const readPage = backend.readPage?.bind(backend);
  if (readPage) {
    wrapped.readPage = (url: string, options: { signal?: AbortSignal }) =>
      around({ backend: backend.name, operation: "readPage", subject: url, signal: options.signal }, () =>
        readPage(url, options),
      ) as Promise<ReadPage | undefined>;
  }
  return wrapped;
}
