import { createHash, timingSafeEqual } from "node:crypto";
import { isIP } from "node:net";
import { LoupeError } from "../../core/errors.js";
import type { ServerConfig } from "../../core/server-config.js";

/** The server's API keys: the config's, then $LOUPE_API_KEYS (comma-separated), each once. */
export function serverApiKeys(config: ServerConfig, env: NodeJS.ProcessEnv = process.env): string[] {
  const fromEnv = (env.LOUPE_API_KEYS ?? "")
    .split(",")
    .map((key) => key.trim())
    .filter(Boolean);
  return [...new Set([...config.apiKeys, ...fromEnv])];
}

/** Whether a host name or address only this machine can reach (127.0.0.0/8, ::1, localhost). */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, "").toLowerCase();
  if (bare === "localhost" || bare.endsWith(".localhost")) return true;
  if (isIP(bare) === 4) return bare.startsWith("127.");
  if (bare === "::1") return true;
  return bare.startsWith("::ffff:127.");
}

/**
 * Refuses to serve on an address other machines can reach without an API key: anyone on the
 * network could otherwise spend the model's tokens and read every run (decision 1012).
 */
export function assertBindAllowed(host: string, keys: readonly string[]): void {
  if (isLoopbackHost(host) || keys.length > 0) return;
  throw new LoupeError(
    "config",
    `Refusing to listen on ${host} without an API key: other machines could reach the server and use it.`,
    {
      hint: "Set server.apiKeys in the config or LOUPE_API_KEYS (comma-separated bearer tokens), or bind 127.0.0.1.",
    },
  );
}

/**
 * Checks a bearer token against the keys in constant time (by comparing their SHA-256 digests,
 * so the length of a key does not leak either); returns the key it matched.
 */
export function matchApiKey(header: string | undefined, keys: readonly string[]): string | undefined {
  const match = /^Bearer\s+(.+)$/i.exec(header?.trim() ?? "");
  if (!match) return undefined;
  const given = digest(match[1] as string);
  return keys.find((key) => timingSafeEqual(digest(key), given));
}

function digest(text: string): Buffer {
  return createHash("sha256").update(text).digest();
}
