import { existsSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { open } from "node:fs/promises";
import { basename, join } from "node:path";
import { LoupeError } from "../../core/errors.js";
import { describeFetchFailure } from "../../core/fetch-failure.js";
import type { HubFile } from "../benchmark.js";
import { digestOf, gitBlobId, matches, readExpectation, type Verification } from "./hub-checksum.js";

export type { Verification } from "./hub-checksum.js";

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
 * - Checksummed (decision 1104, hub-checksum.ts): against the registry's SHA-256, else what
 *   the hub's headers give. A mismatch removes the part and fails; a file the hub gives no
 *   checksum for is kept and reported as unverified.
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

export function hubFileUrl(hubUrl: string, file: HubFile): string {
  const path = file.path.split("/").map(encodeURIComponent).join("/");
  return `${hubUrl.replace(/\/+$/, "")}/datasets/${file.repo}/resolve/${encodeURIComponent(file.revision ?? "main")}/${path}`;
}

export async function downloadHubFile(file: HubFile, options: DownloadOptions): Promise<DownloadResult> {
  const url = hubFileUrl(options.hubUrl, file);
  const target = join(options.folder, file.saveAs ?? basename(file.path));
  const part = `${target}.part`;
  const partInfo = `${part}.json`;
  const expectation = await readExpectation(url, file, options.signal);

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
  // Reading and writing are decoupled: the reader always has a read waiting, so each chunk is
  // handed over as it arrives (a web stream drops the chunks still queued when the connection
  // is cut), and the writer appends them in order. When the connection is cut, everything
  // received is written before the error goes on, so the part is the longest prefix we got.
  // Up to 8 MB may wait for the disk; past that the reader waits for the writer.
  const handle = await open(part, resumed ? "a" : "w");
  const waiting: Uint8Array[] = [];
  let waitingBytes = 0;
  let writing: Promise<void> = Promise.resolve();
  const drain = async () => {
    while (waiting.length > 0) {
      const chunk = waiting.shift()!;
      await handle.write(chunk);
      waitingBytes -= chunk.length;
      done += chunk.length;
      options.onProgress?.({
        file: basename(part, ".part"),
        done,
        ...(total === undefined ? {} : { total }),
      });
    }
  };
  try {
    for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
      waiting.push(chunk);
      waitingBytes += chunk.length;
      writing = writing.then(drain);
      if (waitingBytes > 8 << 20) await writing;
    }
  } finally {
    try {
      await writing;
    } finally {
      await handle.close();
    }
  }
}

function readPartInfo(path: string): { url?: string; version?: string } | undefined {
  try {
    return JSON.parse(readFileSync(path, "utf8")) as { url?: string; version?: string };
  } catch {
    return undefined;
  }
}
