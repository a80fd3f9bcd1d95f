import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { Registry } from "../core/registry.js";
import type { BenchmarkDefinition, LoadOptions } from "./benchmark.js";
import { evalDataError } from "./eval-data-error.js";
import type { EvalItem } from "./eval-item.js";
import { browsecompVl } from "./loaders/browsecomp-vl.js";
import { fvqa } from "./loaders/fvqa.js";
import { generic } from "./loaders/generic.js";
import { hrbench4k, hrbench8k } from "./loaders/hrbench.js";
import { infoseek } from "./loaders/infoseek.js";
import { livevqa } from "./loaders/livevqa.js";
import { mmeRealworldCn, mmeRealworldFull, mmeRealworldLite } from "./loaders/mme-realworld.js";
import { mmsearch } from "./loaders/mmsearch.js";
import { mmsearch171 } from "./loaders/mmsearch-171.js";
import { mmsearchPlus } from "./loaders/mmsearch-plus.js";
import { realxBench } from "./loaders/realx-bench.js";
import { simplevqa } from "./loaders/simplevqa.js";
import { treebench } from "./loaders/treebench.js";
import { vstar } from "./loaders/vstar.js";

/**
 * The benchmarks Loupe reads, by name: `loupe eval list` shows them, `loupe eval fetch`
 * downloads their released files, the scorers and the runner look their loaders up here.
 * `registerBenchmark` adds others (a library user's own loader).
 */
const benchmarks = new Registry<BenchmarkDefinition>("benchmark");

for (const definition of [
  vstar,
  hrbench4k,
  hrbench8k,
  mmeRealworldFull,
  mmeRealworldCn,
  mmeRealworldLite,
  treebench,
  mmsearch,
  mmsearch171,
  fvqa,
  browsecompVl,
  simplevqa,
  infoseek,
  livevqa,
  mmsearchPlus,
  realxBench,
  generic,
])
  benchmarks.register(definition.name, definition);

export function registerBenchmark(
  definition: BenchmarkDefinition,
  options: { replace?: boolean } = {},
): void {
  benchmarks.register(definition.name, definition, options);
}

/** The benchmark, or a config error listing every registered name. */
export function benchmarkNamed(name: string): BenchmarkDefinition {
  return benchmarks.require(name);
}

export function benchmarkList(): BenchmarkDefinition[] {
  return benchmarks.entries().map(([, definition]) => definition);
}

/**
 * The data file for `--data PATH`: the file itself, or in a folder the first of the benchmark's
 * default file names that is there (what `loupe eval fetch` wrote).
 */
export function resolveDataFile(definition: BenchmarkDefinition, path: string): string {
  if (!existsSync(path)) throw evalDataError({ file: path }, "no such file or folder");
  if (!statSync(path).isDirectory()) return path;
  const found = definition.dataFiles
    .map((name) => join(path, name))
    .find((candidate) => existsSync(candidate));
  if (found === undefined)
    throw evalDataError(
      { file: path },
      `a folder without ${definition.name}'s data (looked for ${definition.dataFiles.join(", ")})`,
    );
  return found;
}

/** The items of a benchmark's data file (or folder), streamed; problems surface on iteration. */
export async function* loadBenchmark(
  name: string,
  path: string,
  options: LoadOptions = {},
): AsyncGenerator<EvalItem> {
  const definition = benchmarkNamed(name);
  yield* definition.load(resolveDataFile(definition, path), options);
}
