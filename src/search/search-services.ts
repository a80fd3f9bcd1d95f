import {
  type SearchBackendName,
  type SearchConfig,
  searchProviderSettingsSchema,
} from "../core/search-config.js";
import type { ImageSearchHit, TextSearchHit } from "../core/tool-output.js";
import type { QueryImage, ReadPage, SearchBackend } from "./backend.js";
import { checkSearchBackendNames, findSearchBackend } from "./backend-registry.js";
import { SearchCache, withCache } from "./cache.js";
import { runFallbackChain, type SearchOutcome } from "./fallback-chain.js";
import { createImageHost, type ImageHost } from "./image-host.js";
import { lazyLocalBackend } from "./lazy-local-backend.js";
import { parseLimitsFrom } from "./parsing/parse-limits.js";
// Loupe's own providers register themselves on import.
import "./builtin-backends.js";
import { RateLimiter, withRateLimit } from "./rate-limiter.js";
import { type RetryPolicy, withRetries } from "./retrying-backend.js";
import { addressPolicyCacheScope, createDirectBackend } from "./web/direct-backend.js";
import type { FetchPageOptions } from "./web/fetch-page.js";

export interface SearchCallOptions {
  limit?: number;
  signal?: AbortSignal;
}

/** Everything the search tools need: each operation runs the configured backends in order. */
export interface SearchServices {
  readonly config: SearchConfig;
  readonly imageHost: ImageHost;
  searchText(query: string, options?: SearchCallOptions): Promise<SearchOutcome<TextSearchHit[]>>;
  searchByImage(image: QueryImage, options?: SearchCallOptions): Promise<SearchOutcome<ImageSearchHit[]>>;
  searchImagesByText(query: string, options?: SearchCallOptions): Promise<SearchOutcome<ImageSearchHit[]>>;
  readPage(url: string, options?: { signal?: AbortSignal }): Promise<SearchOutcome<ReadPage>>;
  close(): void;
}

export interface SearchServicesOptions {
  /** Told about every retry (the CLI can show "serper: 429, retrying in 2 s"). */
  onRetry?: RetryPolicy["onRetry"];
  /** Base delay of the retry backoff; tests shorten it. */
  retryBaseDelayMs?: number;
  /** Passed to web page fetching; see FetchPageOptions.trustedHosts and .resolve. */
  fetch?: Pick<FetchPageOptions, "trustedHosts" | "resolve">;
}

const providerDefaults = searchProviderSettingsSchema.parse({});

export {
  registeredSearchBackendNames,
  registerSearchBackend,
  type SearchBackendContext,
  type SearchBackendFactory,
} from "./backend-registry.js";

const defaultLimit = 10;

/**
 * Builds the search services from config: each provider wrapped as cache -> retries -> rate
 * limit -> HTTP adapter (a cache hit asks nothing; each retry waits for a rate-limit slot), the
 * local index opened on first use, and query images published to the image host only when a
 * provider needs them.
 */
export function createSearchServices(
  config: SearchConfig,
  options: SearchServicesOptions = {},
): SearchServices {
  checkSearchBackendNames(config);
  const cache = config.cache.enabled
    ? new SearchCache({ path: config.cache.path, ttlSeconds: config.cache.ttlSeconds })
    : undefined;
  const imageHost = createImageHost(config.imageHost);
  const local = lazyLocalBackend(config.localIndex.path);
  const built = new Map<SearchBackendName, SearchBackend>();

  function backend(name: SearchBackendName): SearchBackend {
    const existing = built.get(name);
    if (existing) return existing;
    let made: SearchBackend;
    if (name === "local") made = local.backend;
    else if (name === "direct") {
      const { webVisit } = config;
      const fetchOptions = {
        maxBytes: webVisit.maxBytes,
        timeoutMs: webVisit.timeoutMs,
        allowPrivateAddresses: webVisit.allowPrivateAddresses,
        ...options.fetch,
      };
      const direct = createDirectBackend({ ...fetchOptions, parseLimits: parseLimitsFrom(webVisit) });
      // Cached pages are shared only under the same address policy, so a page fetched from a
      // private address is not served later to a run that would refuse that address.
      made = cache ? withCache(direct, cache, { scope: addressPolicyCacheScope(fetchOptions) }) : direct;
    } else {
      const settings = config.providers[name] ?? providerDefaults;
      // Checked by checkSearchBackendNames: every other name is a registered backend.
      let provider = findSearchBackend(name)!({ name, settings, config });
      provider = withRateLimit(provider, new RateLimiter(settings.requestsPerSecond));
      provider = withRetries(provider, {
        maxRetries: settings.maxRetries,
        baseDelayMs: options.retryBaseDelayMs,
        onRetry: options.onRetry,
      });
      made = cache ? withCache(provider, cache) : provider;
    }
    built.set(name, made);
    return made;
  }

  const chain = (names: SearchBackendName[], capability: keyof SearchBackend) =>
    names.map(backend).filter((candidate) => typeof candidate[capability] === "function");

  // One upload per image, however many providers, calls and runs ask for it. The upload is no
  // caller's own: a run cancelled while it is under way stops waiting for it, and the others
  // still get it.
  const published = new Map<string, Promise<string | undefined>>();
  async function withPublicUrl(image: QueryImage, signal?: AbortSignal): Promise<QueryImage> {
    if (image.publicUrl || imageHost.kind === "none") return image;
    let url = published.get(image.id);
    if (!url) {
      url = imageHost.publish(image, AbortSignal.timeout(uploadTimeoutMs));
      published.set(image.id, url);
      url.catch(() => published.delete(image.id));
    }
    return { ...image, publicUrl: await unlessAborted(url, signal) };
  }

  return {
    config,
    imageHost,
    searchText: (query, call = {}) =>
      runFallbackChain(chain(config.backends.text, "searchText"), "search the web by text", (candidate) =>
        candidate.searchText!(query, { limit: call.limit ?? defaultLimit, signal: call.signal }),
      ),
    searchImagesByText: (query, call = {}) =>
      runFallbackChain(
        chain(config.backends.image, "searchImagesByText"),
        "search images by text",
        (candidate) =>
          candidate.searchImagesByText!(query, { limit: call.limit ?? defaultLimit, signal: call.signal }),
      ),
    searchByImage: (image, call = {}) =>
      runFallbackChain(
        chain(config.backends.image, "searchByImage"),
        "search by image",
        async (candidate) => {
          const query = candidate.name === "local" ? image : await withPublicUrl(image, call.signal);
          return candidate.searchByImage!(query, { limit: call.limit ?? defaultLimit, signal: call.signal });
        },
      ),
    readPage: (url, call = {}) =>
      runFallbackChain(chain(config.backends.page, "readPage"), `read ${url}`, (candidate) =>
        candidate.readPage!(url, { signal: call.signal }),
      ),
    close() {
      local.close();
      cache?.close();
    },
  };
}

/** How long one image upload to the image host may take, whoever waits for it. */
const uploadTimeoutMs = 60_000;

/** `promise`, or its caller's cancellation as soon as `signal` aborts; the work itself goes on. */
function unlessAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}
