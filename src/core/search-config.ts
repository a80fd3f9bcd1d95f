import { join } from "node:path";
import { z } from "zod";
import { bytes, count, maxBufferBytes, milliseconds, numberBetween, wholeSeconds } from "./config-numbers.js";
import { headerSecret, httpUrl, localPath } from "./config-strings.js";
import { LoupeError } from "./errors.js";
import { defaultIndexPath, loupeHome } from "./paths.js";

/**
 * Configuration of search backends, the search cache, the public image host that reverse image
 * search on providers needs, and web page reading. Lives under `search` in loupe.config.json;
 * API keys usually come from the environment (see mergeSearchEnvironment).
 */
export const searchProviderNames = ["serper", "brave", "tavily", "jina", "searxng", "serpapi"] as const;
export type SearchProviderName = (typeof searchProviderNames)[number];

/**
 * "local" is the offline index; "direct" reads pages by fetching them ourselves (page list only);
 * the others are registered backends (search/backend-registry.ts: the providers above and any a
 * library adds), checked by name when the search services are made.
 */
export const searchBackendNameSchema = z.string().min(1);
export type SearchBackendName = string;

export const searchProviderSettingsSchema = z.strictObject({
  apiKey: headerSecret().optional(),
  /** Replaces the provider's public endpoint (self-hosted SearXNG, a proxy, a test server). */
  baseUrl: httpUrl().optional(),
  /** Requests are spaced 1/requestsPerSecond apart by a timer: at least one every 1000 s. */
  requestsPerSecond: numberBetween({ min: 0.001, max: 1000 }).default(2),
  timeoutMs: milliseconds().default(20_000),
  maxRetries: count({ min: 0 }).default(3),
});
export type SearchProviderSettings = z.infer<typeof searchProviderSettingsSchema>;

const providerDefaults = searchProviderSettingsSchema.parse({});

export const searchCacheSchema = z.strictObject({
  enabled: z.boolean().default(true),
  path: localPath().default(() => join(loupeHome(), "search-cache.sqlite")),
  /**
   * Results change over time; a week keeps reruns reproducible without serving stale news forever.
   * At most 100 years, so expiry times stay exact integers of milliseconds.
   */
  ttlSeconds: wholeSeconds({ max: 100 * 365 * 24 * 3600 }).default(7 * 24 * 3600),
});

export const imageHostSchema = z.strictObject({
  kind: z.enum(["none", "loupe-server", "s3"]).default("none"),
  /** Base URL under which published images are reachable from the internet. */
  publicBaseUrl: httpUrl().optional(),
  /** loupe-server: the folder the server serves at `${publicBaseUrl}/images/`. */
  directory: localPath().default(() => join(loupeHome(), "public-images")),
  s3: z
    .strictObject({
      endpoint: httpUrl(),
      bucket: z.string().min(1),
      region: z.string().min(1).default("us-east-1"),
      accessKeyId: headerSecret(),
      secretAccessKey: headerSecret(),
      prefix: z.string().default("loupe/"),
    })
    .optional(),
});
export type ImageHostConfig = z.infer<typeof imageHostSchema>;

export const webVisitSchema = z.strictObject({
  /** Only for trusted setups: lets web_visit reach loopback, LAN and cloud metadata addresses. */
  allowPrivateAddresses: z.boolean().default(false),
  /** A page is read whole into memory, so at most one buffer (2 GiB). */
  maxBytes: bytes({ max: maxBufferBytes }).default(10 * 1024 * 1024),
  timeoutMs: milliseconds().default(20_000),
  /** Ask the model for a summary focused on the question instead of returning the whole page. */
  summarize: z.boolean().default(false),
  /** Longest page text shown to the model; the rest is cut with a note. */
  maxChars: count().default(20_000),
  /** A file whose text replaces Loupe's default instructions for page summaries. */
  summaryPromptFile: z.string().min(1).optional(),
  /**
   * Limits on parsing untrusted pages and PDFs (web_visit and the local index's ingest); see
   * docs/resource-limits.md. Deeper HTML is read as plain text: Readability's time grows faster
   * than the square of the depth (0.4 s at 256 levels, 15 s at 1,000).
   */
  maxDomDepth: z.number().int().min(16).max(4_096).default(256),
  /** PDF pages read; the rest are named in a note. */
  maxPdfPages: z.number().int().min(1).max(100_000).default(50),
  /** Bytes a PDF's compressed streams may inflate to, all together; a decompression bomb stops here. */
  maxInflatedBytes: z
    .number()
    .int()
    .min(1024 * 1024)
    .max(2 * 1024 * 1024 * 1024)
    .default(64 * 1024 * 1024),
  /** Characters of text kept from one page or PDF (before maxChars cuts what the model is shown). */
  maxTextChars: z.number().int().min(1_000).max(100_000_000).default(2_000_000),
  /** Time one page or PDF may take to parse; the parser is stopped past it. */
  parseTimeoutMs: z.number().int().min(100).max(600_000).default(15_000),
  /** Memory (MB) the parser of one page or PDF may use: its heap limit, and its share of the process's RSS. */
  parseMemoryMb: z.number().int().min(64).max(8_192).default(512),
});
export type WebVisitConfig = z.infer<typeof webVisitSchema>;

export const searchConfigSchema = z.strictObject({
  backends: z
    .strictObject({
      text: z.array(searchBackendNameSchema).min(1).default(["local"]),
      image: z.array(searchBackendNameSchema).min(1).default(["local"]),
      page: z.array(searchBackendNameSchema).min(1).default(["local", "direct"]),
    })
    .default({ text: ["local"], image: ["local"], page: ["local", "direct"] }),
  /** The built-in providers' settings, and those of registered backends under their names. */
  providers: z
    .strictObject(
      Object.fromEntries(
        searchProviderNames.map((name) => [name, searchProviderSettingsSchema.default(providerDefaults)]),
      ) as Record<SearchProviderName, z.ZodDefault<typeof searchProviderSettingsSchema>>,
    )
    .catchall(searchProviderSettingsSchema)
    .default(Object.fromEntries(searchProviderNames.map((name) => [name, providerDefaults])) as never),
  cache: searchCacheSchema.default(() => searchCacheSchema.parse({})),
  imageHost: imageHostSchema.default(() => imageHostSchema.parse({})),
  webVisit: webVisitSchema.default(webVisitSchema.parse({})),
  localIndex: z
    .strictObject({
      path: localPath().default(() => defaultIndexPath()),
    })
    .default(() => ({ path: defaultIndexPath() })),
});
export type SearchConfig = z.infer<typeof searchConfigSchema>;
export type SearchConfigInput = z.input<typeof searchConfigSchema>;

/** Environment variable that carries each provider's API key. */
export const searchKeyEnvironmentNames: Record<Exclude<SearchProviderName, "searxng">, string> = {
  serper: "SERPER_API_KEY",
  brave: "BRAVE_API_KEY",
  tavily: "TAVILY_API_KEY",
  jina: "JINA_API_KEY",
  serpapi: "SERPAPI_API_KEY",
};

/**
 * Fills API keys (and SEARXNG_URL as SearXNG's base URL) from the environment where the config
 * leaves them unset; values in the config win. Returns a parsed, complete config.
 */
export function mergeSearchEnvironment(
  input: SearchConfigInput | undefined,
  environment: Record<string, string | undefined>,
): SearchConfig {
  const config = searchConfigSchema.parse(input ?? {});
  const providers = { ...config.providers };
  for (const [provider, variable] of Object.entries(searchKeyEnvironmentNames)) {
    const name = provider as keyof typeof searchKeyEnvironmentNames;
    const fromEnvironment = environment[variable];
    if (fromEnvironment && !providers[name].apiKey)
      providers[name] = {
        ...providers[name],
        apiKey: environmentValue(variable, fromEnvironment, headerSecret()),
      };
  }
  const searxngUrl = environment.SEARXNG_URL;
  if (searxngUrl && !providers.searxng.baseUrl) {
    providers.searxng = {
      ...providers.searxng,
      baseUrl: environmentValue("SEARXNG_URL", searxngUrl, httpUrl()),
    };
  }
  return { ...config, providers };
}

/** A value from the environment, checked like the config field it fills; the error names the variable. */
function environmentValue(variable: string, value: string, schema: z.ZodType<string>): string {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new LoupeError("config", `${variable}: ${parsed.error.issues[0]?.message ?? "invalid value"}.`);
}
