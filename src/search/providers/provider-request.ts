import { describeError, LoupeError } from "../../core/errors.js";
import type { SearchProviderSettings } from "../../core/search-config.js";
import { parseRetryAfter, SearchHttpError } from "../search-http-error.js";

/** What every provider adapter is built from: its name, settings and public endpoint. */
export interface ProviderOptions {
  settings: SearchProviderSettings;
}

const hints: Record<number, string> = {
  401: "Check the provider's API key (config search.providers.<name>.apiKey or its environment variable).",
  403: "The key lacks access to this endpoint, or (SearXNG) JSON output is not enabled in search.formats.",
  429: "The provider's rate limit or quota was hit; lower requestsPerSecond or wait.",
};

export function requireApiKey(provider: string, settings: SearchProviderSettings, variable: string): string {
  if (settings.apiKey) return settings.apiKey;
  throw new LoupeError("config", `The ${provider} search backend has no API key.`, {
    hint: `Set ${variable} or search.providers.${provider}.apiKey.`,
  });
}

/**
 * Sends one request to a provider and returns its JSON body. HTTP errors become SearchHttpError
 * with the provider's own message; the per-request timeout joins the caller's signal.
 */
export async function requestProviderJson(
  provider: string,
  url: string,
  init: RequestInit,
  options: { timeoutMs: number; signal?: AbortSignal },
): Promise<unknown> {
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  let response: Response;
  try {
    response = await fetch(url, { ...init, signal });
  } catch (error) {
    if (options.signal?.aborted) throw new LoupeError("cancelled", `${provider} search was cancelled.`);
    const detail = timeout.aborted ? `no answer within ${options.timeoutMs} ms` : describeError(error);
    throw new SearchHttpError(provider, undefined, detail, { cause: error });
  }
  const body = await response.text();
  if (!response.ok) {
    throw new SearchHttpError(provider, response.status, providerMessage(body, response.statusText), {
      retryAfterMs: parseRetryAfter(response.headers.get("retry-after")),
      hint: hints[response.status],
    });
  }
  try {
    return JSON.parse(body);
  } catch (error) {
    throw new SearchHttpError(
      provider,
      response.status,
      `answered with something that is not JSON: ${body.slice(0, 120)}`,
      {
        cause: error,
      },
    );
  }
}

/** Providers put their error text in different fields; take the first that is there. */
function providerMessage(body: string, statusText: string): string {
  try {
    const parsed = JSON.parse(body) as Record<string, unknown>;
    const candidates = [
      parsed.message,
      parsed.readableMessage,
      parsed.readable_message,
      parsed.detail,
      parsed.error,
      (parsed.error as Record<string, unknown> | undefined)?.message,
      (parsed.error as Record<string, unknown> | undefined)?.detail,
    ];
    for (const candidate of candidates) {
      if (typeof candidate === "string" && candidate.trim()) return candidate.trim().slice(0, 300);
      if (
        candidate &&
        typeof candidate === "object" &&
        typeof (candidate as { error?: unknown }).error === "string"
      ) {
        return String((candidate as { error: string }).error).slice(0, 300);
      }
    }
  } catch {
    // Not JSON: fall through to the raw text.
  }
  const text = body.trim().replace(/\s+/g, " ");
  return text ? text.slice(0, 300) : statusText || "no message";
}

/** Joins a base URL and a path without doubling or dropping slashes. */
export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, "")}/${path.replace(/^\/+/, "")}`;
}

export function needsPublicUrl(provider: string): LoupeError {
  return new LoupeError(
    "config",
    `Reverse image search on ${provider} needs the image at a public URL, and no image host is configured.`,
    {
      hint: "Set search.imageHost (kind loupe-server with publicBaseUrl, or s3); see docs/search.md.",
    },
  );
}

/** Strings from provider JSON, tolerating missing and non-string fields. */
export function text(value: unknown): string {
  return typeof value === "string" ? value : value === undefined || value === null ? "" : String(value);
}

export function records(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value)
    ? value.filter((item): item is Record<string, unknown> => typeof item === "object" && item !== null)
    : [];
}
