import http from "node:http";
import https from "node:https";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream";
import zlib from "node:zlib";
import { describeError, isLoupeError, LoupeError } from "../../core/errors.js";
import { classifyAddress } from "./address-policy.js";
import { guardedLookup, type HostResolver, refusedAddressError, systemResolver } from "./guarded-lookup.js";

export interface FetchPageOptions {
  maxBytes: number;
  timeoutMs: number;
  allowPrivateAddresses?: boolean;
  /**
   * Hosts (`host` or `host:port`) exempt from the address check: an intranet wiki an operator
   * trusts, or a test's loopback server. Only the named hosts; every redirect is judged anew.
   */
  trustedHosts?: readonly string[];
  resolve?: HostResolver;
  maxRedirects?: number;
  signal?: AbortSignal;
}

export interface FetchedResource {
  /** The URL after redirects. */
  url: string;
  status: number;
  contentType: string;
  bytes: Uint8Array;
}

const redirectStatuses = new Set([301, 302, 303, 307, 308]);
const requestHeaders = {
  "User-Agent": "Mozilla/5.0 (compatible; Loupe/0.1; +https://github.com/loupe)",
  Accept: "text/html,application/xhtml+xml,application/pdf,text/plain;q=0.9,*/*;q=0.8",
  "Accept-Encoding": "gzip, deflate, br",
};

/**
 * Fetches a URL for web_visit with the safety rules of docs/decisions/0202: only http(s); no
 * private, loopback, link-local, metadata or otherwise non-public address, judged on the literal
 * host, on every address DNS gives, and again on every redirect hop (followed by hand, at most
 * five); a byte limit enforced while streaming (after decompression) and a time limit.
 */
export async function fetchPage(url: string, options: FetchPageOptions): Promise<FetchedResource> {
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  const maxRedirects = options.maxRedirects ?? 5;
  let current = parseUrl(url);
  try {
    for (let hop = 0; ; hop++) {
      const response = await requestOnce(current, options, signal);
      const status = response.statusCode ?? 0;
      const location = response.headers.location;
      if (redirectStatuses.has(status) && location) {
        response.resume();
        if (hop >= maxRedirects)
          throw new LoupeError("tool-failed", `${url} redirected more than ${maxRedirects} times.`);
        current = parseUrl(new URL(location, current).toString());
        continue;
      }
      if (status >= 400) {
        response.resume();
        throw new LoupeError(
          "tool-failed",
          `${current} answered HTTP ${status}${response.statusMessage ? ` ${response.statusMessage}` : ""}.`,
        );
      }
      const bytes = await readBody(response, options.maxBytes, current.toString());
      return {
        url: current.toString(),
        status,
        contentType: String(response.headers["content-type"] ?? ""),
        bytes,
      };
    }
  } catch (error) {
    if (options.signal?.aborted) throw new LoupeError("cancelled", `Reading ${url} was cancelled.`);
    if (timeout.aborted)
      throw new LoupeError("tool-failed", `${url} did not finish loading within ${options.timeoutMs} ms.`);
    if (isLoupeError(error)) throw error;
    throw new LoupeError("tool-failed", `Could not read ${current}: ${describeError(error)}`, {
      cause: error,
    });
  }
}

function parseUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new LoupeError("tool-input", `"${text}" is not a valid URL.`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new LoupeError(
      "tool-input",
      `web_visit reads only http and https URLs, not ${url.protocol.replace(":", "")}.`,
    );
  }
  return url;
}

function isTrusted(url: URL, options: FetchPageOptions): boolean {
  return (options.trustedHosts ?? []).some((host) => host === url.host || host === url.hostname);
}

function requestOnce(
  url: URL,
  options: FetchPageOptions,
  signal: AbortSignal,
): Promise<http.IncomingMessage> {
  const check = !options.allowPrivateAddresses && !isTrusted(url, options);
  if (check) {
    // IP literals never reach `lookup`, so the literal host is judged here; names are judged again after DNS.
    const verdict = classifyAddress(url.hostname);
    if (!verdict.allowed)
      return Promise.reject(refusedAddressError(url.toString(), url.hostname, verdict.reason));
  }
  const client = url.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    const request = client.request(url, {
      method: "GET",
      headers: requestHeaders,
      // A fresh connection per hop: a pooled socket would skip the lookup that judged its address.
      agent: false,
      lookup: guardedLookup(url.toString(), options.resolve ?? systemResolver, check),
      signal,
    });
    request.on("response", resolve);
    request.on("error", reject);
    request.end();
  });
}

async function readBody(response: http.IncomingMessage, maxBytes: number, url: string): Promise<Uint8Array> {
  const tooLarge = () =>
    new LoupeError(
      "tool-failed",
      `${url} is larger than the ${maxBytes}-byte limit (search.webVisit.maxBytes).`,
    );
  const declared = Number(response.headers["content-length"]);
  if (Number.isFinite(declared) && declared > maxBytes) {
    response.destroy();
    throw tooLarge();
  }
  const stream = decompressed(response);
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream) {
    total += (chunk as Buffer).length;
    if (total > maxBytes) {
      response.destroy();
      stream.destroy();
      throw tooLarge();
    }
    chunks.push(chunk as Buffer);
  }
  return new Uint8Array(Buffer.concat(chunks));
}

/** The body after Content-Encoding; the byte limit counts these bytes, so a zip bomb stops early. */
function decompressed(response: http.IncomingMessage): Readable {
  const encoding = String(response.headers["content-encoding"] ?? "").toLowerCase();
  const decoder =
    encoding === "gzip" || encoding === "x-gzip"
      ? zlib.createGunzip()
      : encoding === "deflate"
        ? zlib.createInflate()
        : encoding === "br"
          ? zlib.createBrotliDecompress()
          : undefined;
  if (!decoder) return response;
  pipeline(response, decoder, () => {});
  return decoder;
}
