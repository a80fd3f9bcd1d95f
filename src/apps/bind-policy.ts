import { timingSafeEqual } from "node:crypto";
import { isIP } from "node:net";
import type { LoupeConfig } from "../core/config.js";
import { LoupeError } from "../core/errors.js";

/**
 * The one rule every Loupe network server (`loupe mcp --http`, `loupe serve`) follows before it
 * listens: loopback needs nothing; any other address needs at least one API key, since anyone on
 * the network could otherwise run tools (Python, web fetches) on this machine. When keys exist,
 * every request must carry one, on loopback too.
 */

/** Where servers bind when told nothing: only this machine can connect. */
export const defaultBindHost = "127.0.0.1";

/** The environment variable with extra API keys, comma-separated (config: `server.apiKeys`). */
export const apiKeysEnvironmentName = "LOUPE_API_KEYS";

/** Whether `host` only accepts connections from this machine (127.0.0.0/8, ::1, localhost). */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, "").toLowerCase();
  if (bare === "localhost") return true;
  if (isIP(bare) === 4) return bare.startsWith("127.");
  if (isIP(bare) === 6) return bare === "::1" || /^::ffff:127\./.test(bare);
  return false;
}

/** The bearer tokens a server accepts: `server.apiKeys` from the config, then LOUPE_API_KEYS. */
export function serverApiKeys(config: Pick<LoupeConfig, "server">, env: NodeJS.ProcessEnv): string[] {
  const fromEnv = (env[apiKeysEnvironmentName] ?? "")
    .split(",")
    .map((key) => key.trim())
    .filter(Boolean);
  return [...new Set([...config.server.apiKeys, ...fromEnv])];
}

/** Refuses to bind a non-loopback address without an API key; `flag` names what chose the host. */
export function assertBindAllowed(host: string, apiKeys: readonly string[], flag = "--host"): void {
  if (isLoopbackHost(host) || apiKeys.length > 0) return;
  throw new LoupeError(
    "config",
    `${flag} ${host}: binding an address other than loopback needs an API key, or anyone who can reach it could run tools here.`,
    {
      hint: `Set server.apiKeys in the config or ${apiKeysEnvironmentName}=<key>, and send "Authorization: Bearer <key>".`,
    },
  );
}

/**
 * Whether a request's Authorization header carries one of the keys (compared in constant time);
 * true when no keys are configured (a loopback server).
 */
export function requestAuthorized(authorization: string | undefined, apiKeys: readonly string[]): boolean {
  if (apiKeys.length === 0) return true;
  const token = /^Bearer\s+(.+)$/i.exec(authorization?.trim() ?? "")?.[1]?.trim();
  if (!token) return false;
  const given = Buffer.from(token);
  return apiKeys.some((key) => {
    const expected = Buffer.from(key);
    return expected.length === given.length && timingSafeEqual(expected, given);
  });
}
