import { Registry } from "../core/registry.js";
import type { EvalItem } from "./eval-item.js";
import {
  hleJudgeScorer,
  livevqaJudgeScorer,
  simpleqaJudgeScorer,
  simplevqaJudgeScorer,
  yesNoJudgeScorer,
} from "./judges/judge-families.js";
import { fvqaScorer } from "./scorers/fvqa-scorer.js";
import { genericScorer } from "./scorers/generic-scorer.js";
import { infoseekScorer } from "./scorers/infoseek-scorer.js";
import { mmeRealWorldScorer, mmeRealWorldVlmevalkitScorer } from "./scorers/mme-realworld-scorer.js";
import { mmsearchF1Scorer } from "./scorers/mmsearch-f1-scorer.js";
import type { Scorer } from "./scorers/scorer.js";
import { treebenchScorer } from "./scorers/treebench-scorer.js";
import { vlmevalkitMcqScorer } from "./scorers/vlmevalkit-mcq-scorer.js";
import {
  accuracySummary,
  type CategoryOf,
  meanScoreSummary,
  metaString,
  pathLevels,
} from "./summaries/accuracy-summary.js";
import { hrbenchCycleSummary } from "./summaries/hrbench-cycle-summary.js";
import { infoseekSummary } from "./summaries/infoseek-summary.js";
import type { Summarizer } from "./summaries/score-summary.js";
import { livevqaSummary, simpleqaSummary, simplevqaMetrics } from "./summaries/simpleqa-summary.js";

/**
 * How each benchmark is scored: which scorer reads an item's response, which summary turns the
 * scores into the benchmark's figures, and whether items without a prediction count (as 0) the
 * way the benchmark's own script counts them. docs/evaluation-scoring.md explains each entry.
 */
export interface BenchmarkScoring {
  scorer: Scorer;
  summary: Summarizer;
  /** Missing predictions are in the figures as 0 (MMSearch's `get_result_summary` adds them). */
  missingCounted: boolean;
}

export const scorers = new Registry<Scorer>("scorer");
export const benchmarkScorings = new Registry<BenchmarkScoring>("scored benchmark");

export function registerScorer(scorer: Scorer, options: { replace?: boolean } = {}): void {
  scorers.register(scorer.name, scorer, options);
}

export function registerBenchmarkScoring(
  name: string,
  scoring: BenchmarkScoring,
  options: { replace?: boolean } = {},
): void {
  benchmarkScorings.register(name, scoring, options);
}

/** The benchmark's scoring, with `scorerName` (`--scorer`) replacing its scorer when given. */
export function scoringFor(benchmark: string, scorerName?: string): BenchmarkScoring {
  const scoring = benchmarkScorings.require(benchmark);
  return scorerName === undefined ? scoring : { ...scoring, scorer: scorers.require(scorerName) };
}

/** The category, and category/subcategory when the loader gives one (MME-RealWorld's Task/Subtask). */
const withSubcategory: CategoryOf = (item) =>
  item.category === undefined
    ? []
    : item.subcategory === undefined
      ? [item.category]
      : [item.category, `${item.category}/${item.subcategory}`];
const pathCategories: CategoryOf = (item) => pathLevels(item.category);
const metaCategories =
  (...names: string[]): CategoryOf =>
  (item: EvalItem) => [
    ...withSubcategory(item),
    ...names.flatMap((name) => {
      const value = metaString(item, name);
      return value === undefined ? [] : [`${name}: ${value}`];
    }),
  ];
/** RealX-Bench's capabilities: each flag set, and "integration" when all three are. */
const realxCapabilities: CategoryOf = (item) => {
  const flags = ["perception", "search", "reason"].filter((flag) => Number(item.meta[flag]) === 1);
  return flags.length === 3 ? [...flags, "integration"] : flags;
};

for (const scorer of [
  vlmevalkitMcqScorer,
  mmeRealWorldScorer,
  mmeRealWorldVlmevalkitScorer,
  treebenchScorer,
  mmsearchF1Scorer,
  fvqaScorer,
  infoseekScorer,
  hleJudgeScorer,
  simpleqaJudgeScorer,
  simplevqaJudgeScorer,
  livevqaJudgeScorer,
  yesNoJudgeScorer,
  genericScorer,
]) {
  registerScorer(scorer);
}

const accuracy = accuracySummary();
const builtins: [string, BenchmarkScoring][] = [
  ["vstar", { scorer: vlmevalkitMcqScorer, summary: accuracy, missingCounted: false }],
  ["hrbench-4k", { scorer: vlmevalkitMcqScorer, summary: hrbenchCycleSummary, missingCounted: false }],
  ["hrbench-8k", { scorer: vlmevalkitMcqScorer, summary: hrbenchCycleSummary, missingCounted: false }],
  [
    "mme-realworld",
    { scorer: mmeRealWorldScorer, summary: accuracySummary(withSubcategory), missingCounted: false },
  ],
  [
    "mme-realworld-cn",
    { scorer: mmeRealWorldScorer, summary: accuracySummary(withSubcategory), missingCounted: false },
  ],
  [
    "mme-realworld-lite",
    { scorer: mmeRealWorldScorer, summary: accuracySummary(withSubcategory), missingCounted: false },
  ],
  ["treebench", { scorer: treebenchScorer, summary: accuracySummary(pathCategories), missingCounted: false }],
  [
    "mmsearch",
    {
      scorer: mmsearchF1Scorer,
      summary: meanScoreSummary(withSubcategory, "mean token F1"),
      missingCounted: true,
    },
  ],
  [
    "mmsearch-171",
    { scorer: hleJudgeScorer, summary: accuracySummary(withSubcategory), missingCounted: false },
  ],
  ["fvqa", { scorer: fvqaScorer, summary: accuracySummary(withSubcategory), missingCounted: false }],
  [
    "browsecomp-vl",
    {
      scorer: hleJudgeScorer,
      summary: accuracySummary(metaCategories("level")),
      missingCounted: false,
    },
  ],
  [
    "simplevqa",
    {
      scorer: simplevqaJudgeScorer,
      summary: simpleqaSummary(metaCategories("language"), simplevqaMetrics),
      missingCounted: false,
    },
  ],
  ["infoseek", { scorer: infoseekScorer, summary: infoseekSummary, missingCounted: false }],
  [
    "livevqa",
    {
      scorer: livevqaJudgeScorer,
      summary: livevqaSummary(withSubcategory),
      missingCounted: false,
    },
  ],
  [
    "mmsearch-plus",
    { scorer: hleJudgeScorer, summary: accuracySummary(withSubcategory), missingCounted: false },
  ],
  [
    "realx-bench",
    { scorer: yesNoJudgeScorer, summary: accuracySummary(realxCapabilities), missingCounted: false },
  ],
  ["generic", { scorer: genericScorer, summary: accuracySummary(withSubcategory), missingCounted: false }],
];
for (const [name, scoring] of builtins) registerBenchmarkScoring(name, scoring);
