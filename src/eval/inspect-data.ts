import type { LoadOptions } from "./benchmark.js";
import { benchmarkNamed, loadBenchmark, resolveDataFile } from "./benchmarks.js";
import type { EvalItem } from "./eval-item.js";

/** What a data file holds, read through its loader: every row is checked on the way. */
export interface DataSummary {
  benchmark: string;
  file: string;
  items: number;
  multipleChoice: number;
  byCategory: Record<string, number>;
  images: { bytes: number; path: number; url: number; none: number };
  first?: EvalItem;
}

/** Reads the whole file as a run would (streamed), counting; the first bad row fails with its place. */
export async function inspectData(
  name: string,
  path: string,
  options: LoadOptions = {},
): Promise<DataSummary> {
  const file = resolveDataFile(benchmarkNamed(name), path);
  const summary: DataSummary = {
    benchmark: name,
    file,
    items: 0,
    multipleChoice: 0,
    byCategory: {},
    images: { bytes: 0, path: 0, url: 0, none: 0 },
  };
  for await (const item of loadBenchmark(name, file, options)) {
    summary.items += 1;
    if (item.choices && item.choices.length > 0) summary.multipleChoice += 1;
    const category = item.category ?? "(none)";
    summary.byCategory[category] = (summary.byCategory[category] ?? 0) + 1;
    if (item.images.length === 0) summary.images.none += 1;
    for (const image of item.images) summary.images[image.kind] += 1;
    if (summary.first === undefined) summary.first = withoutBytes(item);
  }
  return summary;
}

/** The first item as printed: image bytes replaced by their size. */
function withoutBytes(item: EvalItem): EvalItem {
  return {
    ...item,
    images: item.images.map((image) =>
      image.kind === "bytes"
        ? { kind: "bytes", bytes: new Uint8Array(0), name: `${image.bytes.length} bytes` }
        : image,
    ),
  };
}
