import { type WebVisitConfig, webVisitSchema } from "../../core/search-config.js";

/**
 * What parsing one untrusted page or PDF may cost (docs/resource-limits.md). The structural
 * limits (depth, pages, inflated bytes, text) cut in with a note and keep what was read; the time
 * and memory limits stop the parser's worker and the read fails with a named reason.
 */
export interface ParseLimits {
  maxDomDepth: number;
  maxPdfPages: number;
  maxInflatedBytes: number;
  maxTextChars: number;
  timeoutMs: number;
  memoryMb: number;
}

export function parseLimitsFrom(
  webVisit: Pick<
    WebVisitConfig,
    "maxDomDepth" | "maxPdfPages" | "maxInflatedBytes" | "maxTextChars" | "parseTimeoutMs" | "parseMemoryMb"
  >,
): ParseLimits {
  return {
    maxDomDepth: webVisit.maxDomDepth,
    maxPdfPages: webVisit.maxPdfPages,
    maxInflatedBytes: webVisit.maxInflatedBytes,
    maxTextChars: webVisit.maxTextChars,
    timeoutMs: webVisit.parseTimeoutMs,
    memoryMb: webVisit.parseMemoryMb,
  };
}

export const defaultParseLimits: ParseLimits = parseLimitsFrom(webVisitSchema.parse({}));

/** "64 MB", "1.5 GB": limits as a reader of a note says them. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${Number((bytes / 1024 ** 3).toFixed(1))} GB`;
  if (bytes >= 1024 ** 2) return `${Number((bytes / 1024 ** 2).toFixed(1))} MB`;
  if (bytes >= 1024) return `${Number((bytes / 1024).toFixed(1))} KB`;
  return `${bytes} bytes`;
}
