import { createHash, timingSafeEqual } from "node:crypto";
import { isIP } from "node:net";
import { LoupeError } from "../core/errors.js";
import type { ServerConfig } from "../core/server-config.js";

/**
 * The one rule every Loupe network server (`loupe serve`, `loupe mcp --http`) follows before it
 * listens: loopback needs nothing; any other address needs at least one API key, since anyone on
 * the network could otherwise run tools (Python, web fetches) on this machine, spend the model's
 * tokens and read every run (decision 1012). When keys exist, every request must carry one, on
 * loopback too.
 */

/** Where servers bind when told nothing: only this machine can connect. */
export const defaultBindHost = "127.0.0.1";

/** The environment variable with extra API keys, comma-separated (config: `server.apiKeys`). */
export const apiKeysEnvironmentName = "LOUPE_API_KEYS";

/** Whether `host` only accepts connections from this machine (127.0.0.0/8, ::1, localhost). */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, "").toLowerCase();
  if (bare === "localhost" || bare.endsWith(".localhost")) return true;
  if (isIP(bare) === 4) return bare.startsWith("127.");
  if (isIP(bare) === 6) return bare === "::1" || /^::ffff:127\./.test(bare);
  return false;
}

/** The bearer tokens a server accepts: `server.apiKeys` from the config, then LOUPE_API_KEYS, each once. */
export function serverApiKeys(
  config: Pick<ServerConfig, "apiKeys">,
  env: NodeJS.ProcessEnv = process.env,
): string[] {
  const fromEnv = (env[apiKeysEnvironmentName] ?? "")
    .split(",")
    .map((key) => key.trim())
    .filter(Boolean);
  return [...new Set([...config.apiKeys, ...fromEnv])];
}

/** Refuses to bind a non-loopback address without an API key. */
export function assertBindAllowed(host: string, apiKeys: readonly string[]): void {
  if (isLoopbackHost(host) || apiKeys.length > 0) return;
  throw new LoupeError(
    "config",
    `Refusing to listen on ${host} without an API key: anyone who can reach it could run tools and spend the model's tokens here.`,
    {
      hint: `Set server.apiKeys in the config or ${apiKeysEnvironmentName} (comma-separated bearer tokens) and send "Authorization: Bearer <key>", or bind 127.0.0.1.`,
    },
  );
}

/**
 * The key a request's `Authorization: Bearer` header carries, compared in constant time (by
 * their SHA-256 digests, so a key's length does not leak either); undefined when none matches.
 */
export function matchApiKey(header: string | undefined, keys: readonly string[]): string | undefined {
  const match = /^Bearer\s+(.+)$/i.exec(header?.trim() ?? "");
  if (!match) return undefined;
  const given = digest((match[1] as string).trim());
  return keys.find((key) => timingSafeEqual(digest(key), given));
}

/** Whether a request may go on: no keys configured (a loopback server), or it carries one. */
export function requestAuthorized(authorization: string | undefined, apiKeys: readonly string[]): boolean {
  return apiKeys.length === 0 || matchApiKey(authorization, apiKeys) !== undefined;
}

function digest(text: string): Buffer {
  return createHash("sha256").update(text).digest();
}
