import { Registry } from "../core/registry.js";
import type { EvalItem } from "./eval-item.js";
import { hleJudgeScorer, simpleqaJudgeScorer, yesNoJudgeScorer } from "./judges/judge-families.js";
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
  byCategory,
  type CategoryOf,
  meanScoreSummary,
  metaString,
  pathLevels,
} from "./summaries/accuracy-summary.js";
import { hrbenchCycleSummary } from "./summaries/hrbench-cycle-summary.js";
import { infoseekSummary } from "./summaries/infoseek-summary.js";
import type { Summarizer } from "./summaries/score-summary.js";
import { simpleqaSummary } from "./summaries/simpleqa-summary.js";

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

const mmeCategories: CategoryOf = (item) => {
  const task = metaString(item, "task", "Task");
  const subtask = metaString(item, "subtask", "Subtask");
  if (task) return subtask ? [task, `${task}/${subtask}`] : [task];
  return pathLevels(item.category);
};
const pathCategories: CategoryOf = (item) => pathLevels(item.category);
const metaCategories =
  (...names: string[]): CategoryOf =>
  (item: EvalItem) => [
    ...byCategory(item),
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
    { scorer: mmeRealWorldScorer, summary: accuracySummary(mmeCategories), missingCounted: false },
  ],
  [
    "mme-realworld-cn",
    { scorer: mmeRealWorldScorer, summary: accuracySummary(mmeCategories), missingCounted: false },
  ],
  [
    "mme-realworld-lite",
    { scorer: mmeRealWorldScorer, summary: accuracySummary(mmeCategories), missingCounted: false },
  ],
  ["treebench", { scorer: treebenchScorer, summary: accuracySummary(pathCategories), missingCounted: false }],
  [
    "mmsearch",
    {
      scorer: mmsearchF1Scorer,
      summary: meanScoreSummary(metaCategories("area", "subfield"), "mean token F1"),
      missingCounted: true,
    },
  ],
  [
    "mmsearch-171",
    { scorer: hleJudgeScorer, summary: accuracySummary(metaCategories("area")), missingCounted: false },
  ],
  ["fvqa", { scorer: fvqaScorer, summary: accuracy, missingCounted: false }],
  [
    "browsecomp-vl",
    {
      scorer: hleJudgeScorer,
      summary: accuracySummary(metaCategories("level", "domain")),
      missingCounted: false,
    },
  ],
  [
    "simplevqa",
    {
      scorer: simpleqaJudgeScorer,
      summary: simpleqaSummary(metaCategories("language")),
      missingCounted: false,
    },
  ],
  ["infoseek", { scorer: infoseekScorer, summary: infoseekSummary, missingCounted: false }],
  [
    "livevqa",
    {
      scorer: simpleqaJudgeScorer,
      summary: simpleqaSummary(metaCategories("level", "questionType")),
      missingCounted: false,
    },
  ],
  ["mmsearch-plus", { scorer: hleJudgeScorer, summary: accuracy, missingCounted: false }],
  [
    "realx-bench",
    { scorer: yesNoJudgeScorer, summary: accuracySummary(realxCapabilities), missingCounted: false },
  ],
  ["generic", { scorer: genericScorer, summary: accuracy, missingCounted: false }],
];
for (const [name, scoring] of builtins) registerBenchmarkScoring(name, scoring);
