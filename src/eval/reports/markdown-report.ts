import type { Estimate } from "../summaries/wald-interval.js";
import type { Distribution } from "./distribution.js";
import type { EvalReport, VariantReport } from "./eval-report.js";
import type { PairedComparison } from "./paired-comparison.js";
import type { PublishedResult } from "./published-results.js";

export function percent(value: number): string {
  return `${(100 * value).toFixed(1)}`;
}

export function estimateText(estimate: Estimate): string {
  return `${percent(estimate.value)} [${percent(estimate.low)}, ${percent(estimate.high)}] (n=${estimate.n})`;
}

function distributionRow(name: string, d: Distribution, unit = ""): string {
  return `| ${name} | ${d.p50.toFixed(0)}${unit} | ${d.p90.toFixed(0)}${unit} | ${d.max.toFixed(0)}${unit} | ${d.mean.toFixed(1)}${unit} |`;
}

function variantSection(variant: VariantReport, titled: boolean): string[] {
  const { summary } = variant;
  const lines: string[] = [];
  if (titled) lines.push(`## Variant: ${variant.variant}`, "");
  lines.push(
    `${summary.measure} (scorer ${summary.scorer}), Wald 95% interval:`,
    "",
    "| | % [95% CI] (n) |",
    "|---|---|",
    `| **overall** | **${estimateText(summary.overall)}** |`,
    ...Object.entries(summary.categories).map(
      ([name, estimate]) => `| ${name} | ${estimateText(estimate)} |`,
    ),
    "",
  );
  if (summary.strict) lines.push(`Strict variant: ${estimateText(summary.strict.overall)}`, "");
  const metrics = Object.entries(summary.metrics);
  if (metrics.length > 0)
    lines.push(
      `Other figures: ${metrics.map(([name, value]) => `${name} ${percent(value)}%`).join(", ")}`,
      "",
    );
  lines.push(
    `Finished ${variant.finished}, failed ${variant.failed}, pending ${variant.pending}; judge failures ${summary.judgeFailures.length}.`,
    "",
    "### Tool use",
    "",
    `Calls per question ${variant.tools.callsPerQuestion.toFixed(2)}; questions with a tool call ${percent(variant.tools.questionsWithTools)}%; correct answers ${variant.tools.byOutcome.correct.callsPerQuestion.toFixed(2)} calls/question, incorrect ${variant.tools.byOutcome.incorrect.callsPerQuestion.toFixed(2)}.`,
    "",
  );
  const tools = Object.entries(variant.tools.byTool);
  if (tools.length > 0)
    lines.push(
      "| tool | calls |",
      "|---|---|",
      ...tools.map(([tool, calls]) => `| ${tool} | ${calls} |`),
      "",
    );
  lines.push(
    "| category | questions | calls/question |",
    "|---|---|---|",
    ...Object.entries(variant.tools.byCategory).map(
      ([name, figure]) => `| ${name} | ${figure.questions} | ${figure.callsPerQuestion.toFixed(2)} |`,
    ),
    "",
    "### Latency and tokens",
    "",
    "| per item | p50 | p90 | max | mean |",
    "|---|---|---|---|---|",
    distributionRow("latency", variant.latencyMs, " ms"),
    distributionRow("prompt tokens", variant.tokens.prompt),
    distributionRow("completion tokens", variant.tokens.completion),
    "",
    `Tokens in all ${variant.tokens.total}; cost $${variant.costUsd.toFixed(4)}.`,
    "",
  );
  if (variant.failures.length > 0)
    lines.push(
      "Failed items:",
      "",
      ...variant.failures.slice(0, 20).map((failure) => `- ${failure.id}: ${failure.error}`),
      "",
    );
  return lines;
}

export function comparisonLines(comparison: PairedComparison): string[] {
  return [
    `| | ${comparison.b} right | ${comparison.b} wrong |`,
    "|---|---|---|",
    `| **${comparison.a} right** | ${comparison.bothRight} | ${comparison.onlyA.length} |`,
    `| **${comparison.a} wrong** | ${comparison.onlyB.length} | ${comparison.bothWrong} |`,
    "",
    `${comparison.a} ${percent(comparison.accuracyA)}% vs ${comparison.b} ${percent(comparison.accuracyB)}% on ${comparison.paired} paired items; McNemar exact p = ${comparison.pValue.toPrecision(3)}.`,
    "",
    ...(comparison.onlyA.length > 0
      ? [
          `Right only in ${comparison.a}: ${comparison.onlyA.slice(0, 30).join(", ")}${comparison.onlyA.length > 30 ? ", …" : ""}`,
        ]
      : []),
    ...(comparison.onlyB.length > 0
      ? [
          `Right only in ${comparison.b}: ${comparison.onlyB.slice(0, 30).join(", ")}${comparison.onlyB.length > 30 ? ", …" : ""}`,
        ]
      : []),
    "",
  ];
}

export function paperLines(report: EvalReport, published: readonly PublishedResult[]): string[] {
  if (published.length === 0) return [`No published figures for ${report.benchmark} in the reference.`, ""];
  return [
    `| ${report.benchmark} | % | source |`,
    "|---|---|---|",
    ...report.variants.map(
      (variant) =>
        `| **${report.model ?? "this run"}${report.variants.length > 1 ? ` (${variant.variant})` : ""}** | **${percent(variant.summary.overall.value)}** ± ${percent((variant.summary.overall.high - variant.summary.overall.low) / 2)} | this evaluation (${report.evalId}) |`,
    ),
    ...published.map(
      (result) =>
        `| ${result.model} | ${result.value.toFixed(1)}${result.unverified ? " (unverified)" : ""} | ${result.source} |`,
    ),
    "",
  ];
}

/** The report as markdown: figures, tool use, latency and tokens per variant; the ablation's pairing. */
export function markdownReport(
  report: EvalReport,
  extras: { ablation?: PairedComparison; published?: readonly PublishedResult[] } = {},
): string {
  const lines = [
    `# ${report.name ?? report.evalId}: ${report.benchmark}`,
    "",
    `Evaluation ${report.evalId}, ${report.createdAt}; model ${report.model ?? "?"}, dialect ${report.dialect ?? "?"}; ${report.items} items.`,
    "",
  ];
  for (const variant of report.variants) lines.push(...variantSection(variant, report.variants.length > 1));
  if (extras.ablation) lines.push("## Ablation: item by item", "", ...comparisonLines(extras.ablation));
  if (extras.published)
    lines.push("## Beside the published figures", "", ...paperLines(report, extras.published));
  return `${lines.join("\n").trimEnd()}\n`;
}
