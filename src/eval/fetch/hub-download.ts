import { createHash } from "node:crypto";
import {
  createReadStream,
  createWriteStream,
  existsSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { basename, join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { LoupeError } from "../../core/errors.js";
import { describeFetchFailure } from "../../core/fetch-failure.js";
import type { HubFile } from "../benchmark.js";

/**
 * One file from a Hugging Face dataset repository, downloaded the way the hub serves it:
 * `GET <hub>/datasets/<repo>/resolve/<revision>/<path>` (an LFS file answers with a redirect to
 * its storage, which fetch follows).
 *
 * - Resumable: bytes go to `<name>.part` beside the target, with `<name>.part.json` saying which
 *   version of the file they belong to (its checksum or ETag). A cut connection keeps the part;
 *   the next attempt (this call's retries, or the next `loupe eval fetch`) asks for the rest
 *   with `Range: bytes=<size>-`. A part of another version, or a server that answers a range
 *   with the whole file (200), starts over.
 * - Checksummed (decision 1107): the file's SHA-256 from the registry when it has one; else the
 *   hub's `X-Linked-Etag` (the SHA-256 of an LFS file, sent with the redirect); else an `ETag`
 *   of 40 hex digits, the git blob id of a small file (SHA-1 of `blob <size>\0` + content).
 *   A mismatch removes the part and fails; a file the hub gives no checksum for is kept and
 *   reported as unverified.
 */
export interface DownloadOptions {
  /** The hub's base URL, `https://huggingface.co` unless configured (tests: a loopback server). */
  hubUrl: string;
  /** Folder the file is written to. */
  folder: string;
  /** Further attempts after a cut connection (each resumes). Default 3. */
  retries?: number;
  onProgress?: (progress: { file: string; done: number; total?: number }) => void;
  signal?: AbortSignal;
}

export type Verification =
  | "manifest sha256"
  | "hub X-Linked-Etag sha256"
  | "hub ETag git blob sha1"
  | "hub ETag sha256"
  | "none";

export interface DownloadResult {
  path: string;
  url: string;
  bytes: number;
  sha256: string;
  verifiedBy: Verification;
  /** Bytes already on disk from an earlier, cut download. */
  resumedFrom: number;
  /** The file was there already and matched its checksum: nothing was downloaded. */
  alreadyPresent: boolean;
}

interface Expectation {
  verifiedBy: Verification;
  /** Hex digest to compare with, or undefined when the hub gives none. */
  digest?: string;
  size?: number;
  /** What identifies this version of the file for resuming. */
  version: string;
}

export function hubFileUrl(hubUrl: string, file: HubFile): string {
  const path = file.path.split("/").map(encodeURIComponent).join("/");
  return `${hubUrl.replace(/\/+$/, "")}/datasets/${file.repo}/resolve/${encodeURIComponent(file.revision ?? "main")}/${path}`;
}

export async function downloadHubFile(file: HubFile, options: DownloadOptions): Promise<DownloadResult> {
  const url = hubFileUrl(options.hubUrl, file);
  const target = join(options.folder, file.saveAs ?? basename(file.path));
  const part = `${target}.part`;
  const partInfo = `${part}.json`;
  const expectation = await expect(url, file, options.signal);

  if (existsSync(target)) {
    const sha256 = await digestOf(target, "sha256");
    if (await matches(target, sha256, expectation))
      return {
        path: target,
        url,
        bytes: statSync(target).size,
        sha256,
        verifiedBy: expectation.verifiedBy,
        resumedFrom: 0,
        alreadyPresent: true,
      };
  }

  let resumedFrom = 0;
  if (existsSync(part)) {
    const info = readPartInfo(partInfo);
    if (info?.url === url && info.version === expectation.version) resumedFrom = statSync(part).size;
    else rmSync(part, { force: true });
  }
  writeFileSync(partInfo, JSON.stringify({ url, version: expectation.version }));

  const retries = options.retries ?? 3;
  for (let attempt = 0; ; attempt += 1) {
    const offset = existsSync(part) ? statSync(part).size : 0;
    try {
      await fetchInto(url, part, offset, expectation.size, options);
      break;
    } catch (error) {
      if (error instanceof LoupeError || attempt >= retries || options.signal?.aborted) {
        if (error instanceof LoupeError) throw error;
        const have = existsSync(part) ? statSync(part).size : 0;
        throw new LoupeError(
          "eval-data",
          `download of ${url} stopped at ${have}${expectation.size === undefined ? "" : ` of ${expectation.size}`} bytes: ${describeFetchFailure(error)}`,
          {
            cause: error,
            hint: `The ${have} bytes are kept in ${part}; run the same command again to resume.`,
          },
        );
      }
    }
  }

  const bytes = statSync(part).size;
  if (expectation.size !== undefined && bytes !== expectation.size) {
    throw new LoupeError(
      "eval-data",
      `download of ${url} ended at ${bytes} bytes, the hub said ${expectation.size}`,
      {
        hint: `The bytes are kept in ${part}; run the same command again to resume.`,
      },
    );
  }
  const sha256 = await digestOf(part, "sha256");
  if (!(await matches(part, sha256, expectation))) {
    const got = expectation.verifiedBy === "hub ETag git blob sha1" ? await gitBlobId(part) : sha256;
    rmSync(part, { force: true });
    rmSync(partInfo, { force: true });
    throw new LoupeError(
      "eval-data",
      `checksum mismatch for ${url}: expected ${expectation.verifiedBy} ${expectation.digest}, got ${got}; the download was removed`,
      {
        hint: "Run the command again; if it fails again, the hub's file changed or the connection corrupts it.",
      },
    );
  }
  renameSync(part, target);
  rmSync(partInfo, { force: true });
  return {
    path: target,
    url,
    bytes,
    sha256,
    verifiedBy: expectation.verifiedBy,
    resumedFrom,
    alreadyPresent: false,
  };
}

/** A HEAD without following redirects: the hub puts X-Linked-Etag and X-Linked-Size on the redirect. */
async function expect(url: string, file: HubFile, signal: AbortSignal | undefined): Promise<Expectation> {
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

async function matches(path: string, sha256: string, expectation: Expectation): Promise<boolean> {
  if (expectation.digest === undefined)
    return expectation.size === undefined || statSync(path).size === expectation.size;
  if (expectation.verifiedBy === "hub ETag git blob sha1")
    return (await gitBlobId(path)) === expectation.digest;
  return sha256 === expectation.digest;
}

async function fetchInto(
  url: string,
  part: string,
  offset: number,
  size: number | undefined,
  options: DownloadOptions,
): Promise<void> {
  if (size !== undefined && offset === size) return;
  const response = await fetch(url, {
    headers: offset > 0 ? { range: `bytes=${offset}-` } : {},
    ...(options.signal ? { signal: options.signal } : {}),
  });
  if (response.status === 416 && offset > 0) {
    await response.body?.cancel();
    return; // the part is whole already; the checksum decides
  }
  if (response.status >= 400 || !response.body) {
    await response.body?.cancel();
    throw new LoupeError("eval-data", `${url}: the hub answered ${response.status}`);
  }
  const resumed = response.status === 206;
  if (offset > 0 && resumed) {
    const range = /^bytes (\d+)-/.exec(response.headers.get("content-range") ?? "");
    if (!range || Number(range[1]) !== offset) {
      await response.body.cancel();
      throw new LoupeError(
        "eval-data",
        `${url}: asked for bytes from ${offset}, the hub sent ${response.headers.get("content-range") ?? "no Content-Range"}`,
      );
    }
  }
  const start = resumed ? offset : 0;
  let done = start;
  const total = size;
  const counted = Readable.fromWeb(response.body as import("node:stream/web").ReadableStream<Uint8Array>);
  counted.on("data", (chunk: Buffer) => {
    done += chunk.length;
    options.onProgress?.({ file: basename(part, ".part"), done, ...(total === undefined ? {} : { total }) });
  });
  await pipeline(counted, createWriteStream(part, { flags: resumed ? "a" : "w" }));
}

function readPartInfo(path: string): { url?: string; version?: string } | undefined {
  try {
    return JSON.parse(readFileSync(path, "utf8")) as { url?: string; version?: string };
  } catch {
    return undefined;
  }
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
