import type { EvalReport, VariantReport } from "./eval-report.js";
import { markdownReport } from "./markdown-report.js";
import type { PairedComparison } from "./paired-comparison.js";
import type { PublishedResult } from "./published-results.js";
import { escapeHtml, estimateBars, histogram } from "./svg-charts.js";

/**
 * A self-contained HTML report: the charts are inline SVG, the styles inline, nothing is loaded
 * from elsewhere (it opens offline and can be mailed as one file). The markdown report's tables
 * follow the charts as preformatted text, so the figures are the same in both.
 */
export function htmlReport(
  report: EvalReport,
  latencies: ReadonlyMap<string, readonly number[]>,
  extras: { ablation?: PairedComparison; published?: readonly PublishedResult[] } = {},
): string {
  const sections = report.variants.map((variant) =>
    variantHtml(variant, latencies.get(variant.variant) ?? []),
  );
  const title = `${report.name ?? report.evalId}: ${report.benchmark}`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font-family:sans-serif;max-width:900px;margin:2em auto;color:#222}pre{background:#f6f6f6;padding:1em;overflow-x:auto;font-size:12px}h2{border-bottom:1px solid #ccc}</style>
</head><body>
<h1>${escapeHtml(title)}</h1>
<p>Evaluation ${escapeHtml(report.evalId)}; model ${escapeHtml(report.model ?? "?")}, dialect ${escapeHtml(report.dialect ?? "?")}; ${report.items} items.</p>
${sections.join("\n")}
<h2>All figures</h2>
<pre>${escapeHtml(markdownReport(report, extras))}</pre>
</body></html>
`;
}

function variantHtml(variant: VariantReport, latencies: readonly number[]): string {
  const rows: [string, VariantReport["summary"]["overall"]][] = [
    ["overall", variant.summary.overall],
    ...Object.entries(variant.summary.categories),
  ];
  const tools = Object.entries(variant.tools.byTool);
  const top = Math.max(1, ...tools.map(([, count]) => count));
  return `<h2>${escapeHtml(variant.variant)}</h2>
<h3>${escapeHtml(variant.summary.measure)} with Wald 95% intervals</h3>
${estimateBars(rows)}
<h3>Latency per item</h3>
${histogram(latencies, "ms")}
<h3>Tool calls (${variant.tools.callsPerQuestion.toFixed(2)} per question)</h3>
${tools.length === 0 ? "<p>no tool calls</p>" : tools.map(([tool, count]) => `<div>${escapeHtml(tool)} <span style="display:inline-block;background:#f58518;height:10px;width:${Math.round((300 * count) / top)}px"></span> ${count}</div>`).join("\n")}`;
}
