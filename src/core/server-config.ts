import { z } from "zod";
import { bytes, count, wholeSeconds } from "./config-numbers.js";
import { headerSecret, httpUrl } from "./config-strings.js";

/**
 * An upstream model that `loupe serve` offers by name: a client's `model` field picks it
 * (`/v1/models` lists them). The API key is read from the environment variable named here, so
 * the config file holds no secret.
 */
export const servedModelSchema = z.strictObject({
  baseUrl: httpUrl(),
  /** The model's name on its own server. */
  model: z.string().min(1),
  /** The environment variable that holds its API key, if it needs one. */
  apiKeyEnv: z.string().min(1).optional(),
  /** The dialect and profile this model is run with unless the request names others. */
  dialect: z.string().min(1).optional(),
  profile: z.string().min(1).optional(),
});
export type ServedModel = z.infer<typeof servedModelSchema>;

/** `loupe serve`: who may call it, how much a request may carry, how many runs a caller may hold. */
export const serverConfigSchema = z.strictObject({
  /**
   * Bearer tokens; when any is set (here or in $LOUPE_API_KEYS, comma-separated) every /v1 route
   * requires `Authorization: Bearer <key>`. Binding a non-loopback address requires at least one.
   */
  apiKeys: z.array(headerSecret()).default([]),
  cors: z
    .strictObject({
      /** Origins allowed to call the API from a browser; `*` for any. None by default. */
      origins: z.array(z.string().min(1)).default([]),
    })
    .default({ origins: [] }),
  /** Largest request body (JSON or multipart with its images); past it the answer is 413. */
  maxBodyBytes: bytes().default(64 * 1024 * 1024),
  /** Runs one API key (or, without keys, the whole server) may have going at once; past it 429. */
  maxConcurrentRunsPerKey: count().default(16),
  /** The Retry-After a 429 carries. */
  retryAfterSeconds: wholeSeconds().default(5),
  /** Events kept in memory per live run for Last-Event-ID replay; the oldest go first past it. */
  eventBufferSize: count().default(10_000),
  /** Finished runs kept in memory (for fetching, resuming, listing) when no run store is open. */
  finishedRunsKept: count().default(100),
  /** Image URLs in requests may reach loopback and private addresses (trusted setups, tests). */
  allowPrivateImageUrls: z.boolean().default(false),
  /** Where clients reach this server (run links; the public image host when search.imageHost.kind is loupe-server). */
  publicUrl: httpUrl().optional(),
  /** Models a request may name in `model`, besides the configured one. */
  models: z.record(z.string().min(1), servedModelSchema).default({}),
});
export type ServerConfig = z.infer<typeof serverConfigSchema>;
