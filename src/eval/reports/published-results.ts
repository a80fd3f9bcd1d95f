/**
 * Published figures to set Loupe's results beside (`loupe eval report --paper`), in percent, as
 * the papers' tables give them. Source: ../shared/reference/benchmarks.md, "Published numbers to
 * compare against", which took them from the Skywork-R1V4 technical report (R1V4 30B-A3B and
 * Gemini 2.5 Flash columns) and the DeepEyesV2 paper; figures it marks unverified are marked so.
 * The agent papers' MMSearch is the 171 image-bearing queries with an LLM judge (`mmsearch-171`).
 */
export interface PublishedResult {
  benchmark: string;
  model: string;
  value: number;
  source: string;
  unverified?: boolean;
}

const r1v4 = "Skywork-R1V4 technical report (benchmarks.md)";
const deepeyes = "DeepEyesV2 paper (benchmarks.md)";

function columns(benchmark: string, ours: number, gemini: number): PublishedResult[] {
  return [
    { benchmark, model: "Skywork-R1V4-30B-A3B", value: ours, source: r1v4 },
    { benchmark, model: "Gemini 2.5 Flash", value: gemini, source: r1v4 },
  ];
}

export const publishedResults: readonly PublishedResult[] = [
  ...columns("hrbench-4k", 82.8, 77.5),
  ...columns("hrbench-8k", 79.8, 73.7),
  ...columns("mme-realworld", 71.4, 60.9),
  ...columns("mme-realworld-cn", 70.8, 61.2),
  ...columns("mme-realworld-lite", 59.3, 50.2),
  ...columns("vstar", 88.0, 72.3),
  ...columns("treebench", 48.4, 45.9),
  ...columns("mmsearch-171", 66.1, 64.9),
  ...columns("fvqa", 67.2, 60.7),
  ...columns("browsecomp-vl", 38.4, 40.8),
  { benchmark: "mmsearch-171", model: "DeepEyesV2-7B", value: 63.7, source: deepeyes },
  { benchmark: "vstar", model: "DeepEyesV2-7B", value: 81.8, source: deepeyes, unverified: true },
  { benchmark: "hrbench-4k", model: "DeepEyesV2-7B", value: 77.9, source: deepeyes, unverified: true },
  { benchmark: "hrbench-8k", model: "DeepEyesV2-7B", value: 73.8, source: deepeyes, unverified: true },
];

export function publishedFor(benchmark: string): PublishedResult[] {
  return publishedResults.filter((result) => result.benchmark === benchmark);
}
