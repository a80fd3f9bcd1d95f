import { createHash } from "node:crypto";
import type { ReadPage, SearchBackend } from "../backend.js";
import { defaultParseLimits, type ParseLimits } from "../parsing/parse-limits.js";
import { type ParserPool, sharedParserPool } from "../parsing/parser-pool.js";
import { type FetchPageOptions, fetchPage } from "./fetch-page.js";
import { toReadPage } from "./page-content.js";

export interface DirectBackendOptions extends Omit<FetchPageOptions, "signal"> {
  /** Limits on parsing what was fetched (search.webVisit); the defaults when left out. */
  parseLimits?: ParseLimits;
  /** Where HTML and PDFs are parsed; the process's shared pool when left out. */
  parserPool?: ParserPool;
}

/** Reads pages by fetching them from here, under the SSRF rules of fetchPage. Name "direct". */
export function createDirectBackend(options: DirectBackendOptions): SearchBackend {
  const { parseLimits = defaultParseLimits, parserPool, ...fetchOptions } = options;
  return {
    name: "direct",
    async readPage(url: string, call: { signal?: AbortSignal }): Promise<ReadPage> {
      const resource = await fetchPage(url, { ...fetchOptions, signal: call.signal });
      return toReadPage(resource, {
        pool: parserPool ?? sharedParserPool(),
        limits: parseLimits,
        signal: call.signal,
      });
    },
  };
}

/**
 * The cache scope for pages the direct backend fetched under these options: a short hash of the
 * address policy. A page fetched with private addresses allowed, or from a trusted host, is then
 * served from the cache only to callers with the same policy, never to one that would have
 * refused to fetch it. Every policy has a scope, the default one included, so pages cached
 * before the scope existed (under whatever policy) are never served.
 */
export function addressPolicyCacheScope(
  options: Pick<FetchPageOptions, "allowPrivateAddresses" | "trustedHosts">,
): string {
  const allowPrivateAddresses = options.allowPrivateAddresses === true;
  // Exact strings, as fetchPage matches them: folding case could merge a policy that trusts
  // nothing ("Intranet" never matches a URL host) with one that trusts a host ("intranet").
  const trustedHosts = [...new Set(options.trustedHosts ?? [])].sort();
  const policy = JSON.stringify({ allowPrivateAddresses, trustedHosts });
  return `address-policy:${createHash("sha256").update(policy).digest("hex").slice(0, 16)}`;
}
