import { createHash } from "node:crypto";
import { createReadStream, statSync } from "node:fs";
import { LoupeError } from "../../core/errors.js";
import { describeFetchFailure } from "../../core/fetch-failure.js";
import type { HubFile } from "../benchmark.js";

/**
 * What a downloaded hub file must match (decision 1104): the registry's SHA-256, else the hub's
 * `X-Linked-Etag` (an LFS file's SHA-256, sent with the redirect), else an `ETag` that is a
 * SHA-256 or a git blob id (SHA-1 of `blob <size>\0` + content, a small file's ETag), else
 * nothing (the file is kept and reported unverified).
 */
export type Verification =
  | "manifest sha256"
  | "hub X-Linked-Etag sha256"
  | "hub ETag git blob sha1"
  | "hub ETag sha256"
  | "none";

export interface Expectation {
  verifiedBy: Verification;
  /** Hex digest to compare with, or undefined when the hub gives none. */
  digest?: string;
  size?: number;
  /** What identifies this version of the file for resuming. */
  version: string;
}

/** A HEAD without following redirects: the hub puts X-Linked-Etag and X-Linked-Size on the redirect. */
export async function readExpectation(
  url: string,
  file: HubFile,
  signal: AbortSignal | undefined,
): Promise<Expectation> {
  let response: Response;
  try {
    response = await fetch(url, { method: "HEAD", redirect: "manual", ...(signal ? { signal } : {}) });
  } catch (error) {
    throw new LoupeError("eval-data", `cannot reach ${url}: ${describeFetchFailure(error)}`, {
      cause: error,
      hint: "loupe eval fetch needs the dataset hub (set LOUPE_HUB_URL for a mirror); or download the files yourself and pass --data.",
    });
  }
  if (response.status === 401 || response.status === 403)
    throw new LoupeError(
      "eval-data",
      `${url}: the hub refused access (${response.status}); the dataset may be gated: accept its terms on the hub and download it yourself.`,
    );
  if (response.status >= 400)
    throw new LoupeError("eval-data", `${url}: not on the hub (${response.status})`);
  const header = (name: string) => response.headers.get(name) ?? undefined;
  const sizeText =
    header("x-linked-size") ?? (response.status === 200 ? header("content-length") : undefined);
  const size = sizeText === undefined ? undefined : Number(sizeText);
  const linked = cleanEtag(header("x-linked-etag"));
  const etag = cleanEtag(header("etag"));
  const sized = Number.isFinite(size) ? { size: size as number } : {};
  if (file.sha256)
    return {
      verifiedBy: "manifest sha256",
      digest: file.sha256.toLowerCase(),
      version: file.sha256.toLowerCase(),
      ...sized,
    };
  if (linked && /^[0-9a-f]{64}$/.test(linked))
    return { verifiedBy: "hub X-Linked-Etag sha256", digest: linked, version: linked, ...sized };
  if (etag && /^[0-9a-f]{64}$/.test(etag))
    return { verifiedBy: "hub ETag sha256", digest: etag, version: etag, ...sized };
  if (etag && /^[0-9a-f]{40}$/.test(etag))
    return { verifiedBy: "hub ETag git blob sha1", digest: etag, version: etag, ...sized };
  return { verifiedBy: "none", version: etag ?? linked ?? `size ${sizeText ?? "unknown"}`, ...sized };
}

function cleanEtag(value: string | undefined): string | undefined {
  if (value === undefined || value.startsWith("W/")) return undefined;
  return value.replace(/^"|"$/g, "").toLowerCase();
}

export async function matches(path: string, sha256: string, expectation: Expectation): Promise<boolean> {
  if (expectation.digest === undefined)
    return expectation.size === undefined || statSync(path).size === expectation.size;
  if (expectation.verifiedBy === "hub ETag git blob sha1")
    return (await gitBlobId(path)) === expectation.digest;
  return sha256 === expectation.digest;
}

export async function digestOf(path: string, algorithm: "sha256" | "sha1", prefix?: string): Promise<string> {
  const hash = createHash(algorithm);
  if (prefix !== undefined) hash.update(prefix);
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

/** Git's id of a file's content: SHA-1 of `blob <size>\0` and the bytes (the hub's ETag of a non-LFS file). */
export function gitBlobId(path: string): Promise<string> {
  return digestOf(path, "sha1", `blob ${statSync(path).size}\0`);
}
