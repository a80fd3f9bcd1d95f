import { LoupeError } from "../core/errors.js";
import { Registry } from "../core/registry.js";
import type { SearchConfig, SearchProviderSettings } from "../core/search-config.js";
import type { SearchBackend } from "./backend.js";

/** What a backend factory is given: its settings (search.providers.NAME) and the whole search config. */
export interface SearchBackendContext {
  name: string;
  /** search.providers.NAME, with the defaults for what it leaves out. */
  settings: SearchProviderSettings;
  config: SearchConfig;
}

export type SearchBackendFactory = (context: SearchBackendContext) => SearchBackend;

const backendRegistry = new Registry<SearchBackendFactory>("search backend");

/**
 * The backends every search service has itself: the offline index, and pages fetched directly.
 * They are not made by a factory (they use the services' index and fetch policy).
 */
const ownBackends = ["local", "direct"] as const;

/**
 * Adds a search backend: `search.backends.text|image|page` may name it from then on, and
 * `search.providers.NAME` holds its settings (API key, base URL, rate, timeout, retries). Like
 * the built-in providers it is wrapped in the cache, retries and a rate limiter.
 */
export function registerSearchBackend(
  name: string,
  factory: SearchBackendFactory,
  options: { replace?: boolean } = {},
): void {
  if ((ownBackends as readonly string[]).includes(name)) {
    throw new LoupeError("config", `"${name}" is the search services' own backend and cannot be replaced.`);
  }
  backendRegistry.register(name, factory, options);
}

export function findSearchBackend(name: string): SearchBackendFactory | undefined {
  return backendRegistry.get(name);
}

export function registeredSearchBackendNames(): string[] {
  return [...ownBackends, ...backendRegistry.names()];
}

/**
 * Checks every backend the config names before anything opens, so a typo is a configuration error
 * at start-up rather than a failed search in the middle of a run. Settings under
 * search.providers must belong to a registered backend too.
 */
export function checkSearchBackendNames(config: SearchConfig): void {
  const known = registeredSearchBackendNames();
  const named = Object.entries(config.backends).flatMap(([operation, names]) =>
    names.map((name) => ({ name, field: `search.backends.${operation}` })),
  );
  const withSettings = Object.keys(config.providers).map((name) => ({ name, field: "search.providers" }));
  for (const { name, field } of [...named, ...withSettings]) {
    if (!known.includes(name)) {
      throw new LoupeError(
        "config",
        `${field}: unknown search backend "${name}". Registered search backends: ${known.join(", ")}.`,
      );
    }
  }
}
