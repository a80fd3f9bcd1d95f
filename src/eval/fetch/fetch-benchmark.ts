import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { LoupeError } from "../../core/errors.js";
import { makeDirectory } from "../../core/make-directory.js";
import { assertOrdinaryPath, loupeHome } from "../../core/paths.js";
import { benchmarkNamed } from "../benchmarks.js";
import { type DownloadOptions, type DownloadResult, downloadHubFile } from "./hub-download.js";

export const defaultHubUrl = "https://huggingface.co";

/** Where `loupe eval fetch NAME` puts a benchmark: `$LOUPE_HOME/benchmarks/<name>/`. */
export function benchmarkFolder(name: string, environment: NodeJS.ProcessEnv = process.env): string {
  return join(loupeHome(environment), "benchmarks", name);
}

export interface FetchOptions extends Omit<DownloadOptions, "folder" | "hubUrl"> {
  /** Default: `$LOUPE_HUB_URL`, else https://huggingface.co. */
  hubUrl?: string;
  /** Default: `benchmarkFolder(name)`. */
  folder?: string;
}

/**
 * Downloads a benchmark's released files (its registry entry's `hub` list) one after the other,
 * and records what was fetched, from where and how it was checked in `loupe-fetch.json` in the
 * folder (kept across fetches, one entry per file).
 */
export async function fetchBenchmark(
  name: string,
  options: FetchOptions = {},
): Promise<{ folder: string; files: DownloadResult[] }> {
  const definition = benchmarkNamed(name);
  if (!definition.hub || definition.hub.length === 0)
    throw new LoupeError(
      "config",
      `${name} has no files to fetch from the dataset hub: ${definition.hubNote ?? "no source is known"}`,
    );
  const folder = options.folder ?? benchmarkFolder(name);
  assertOrdinaryPath(folder, "--dir");
  makeDirectory(folder, "the benchmark folder");
  const hubUrl = options.hubUrl ?? (process.env.LOUPE_HUB_URL || defaultHubUrl);
  const files: DownloadResult[] = [];
  for (const file of definition.hub) {
    const result = await downloadHubFile(file, { ...options, hubUrl, folder });
    files.push(result);
    record(folder, name, result);
  }
  return { folder, files };
}

function record(folder: string, benchmark: string, result: DownloadResult): void {
  const path = join(folder, "loupe-fetch.json");
  let manifest: { benchmark: string; files: Record<string, unknown>[] } = { benchmark, files: [] };
  try {
    manifest = JSON.parse(readFileSync(path, "utf8")) as typeof manifest;
  } catch {
    // first fetch into this folder
  }
  const name = result.path.slice(folder.length + 1);
  manifest.files = manifest.files.filter((entry) => entry.file !== name);
  manifest.files.push({
    file: name,
    url: result.url,
    bytes: result.bytes,
    sha256: result.sha256,
    verifiedBy: result.verifiedBy,
    fetchedAt: new Date().toISOString(),
  });
  writeFileSync(path, `${JSON.stringify(manifest, null, 2)}\n`);
}
