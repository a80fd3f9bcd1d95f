import type { Estimate } from "../summaries/wald-interval.js";

/** Small inline SVG charts for the HTML report: no scripts, no fonts or files from elsewhere. */

export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!,
  );
}

/** Horizontal bars of estimates (0–1) with their 95% intervals as whiskers. */
export function estimateBars(rows: readonly [string, Estimate][]): string {
  const rowHeight = 22;
  const label = 220;
  const width = 640;
  const plot = width - label - 60;
  const height = rows.length * rowHeight + 24;
  const x = (value: number) => label + value * plot;
  const bars = rows.map(([name, estimate], index) => {
    const y = index * rowHeight + 4;
    return [
      `<text x="${label - 6}" y="${y + 14}" text-anchor="end">${escapeHtml(name.length > 34 ? `${name.slice(0, 33)}…` : name)}</text>`,
      `<rect x="${label}" y="${y + 3}" width="${(estimate.value * plot).toFixed(1)}" height="${rowHeight - 8}" fill="#4c78a8"/>`,
      `<line x1="${x(estimate.low).toFixed(1)}" x2="${x(estimate.high).toFixed(1)}" y1="${y + 11}" y2="${y + 11}" stroke="#222" stroke-width="1.5"/>`,
      `<text x="${x(estimate.high) + 4}" y="${y + 14}">${(100 * estimate.value).toFixed(1)}%</text>`,
    ].join("");
  });
  const axis = [0, 0.25, 0.5, 0.75, 1]
    .map(
      (tick) =>
        `<line x1="${x(tick)}" x2="${x(tick)}" y1="0" y2="${height - 20}" stroke="#ddd"/><text x="${x(tick)}" y="${height - 6}" text-anchor="middle">${tick * 100}</text>`,
    )
    .join("");
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-size="12" font-family="sans-serif">${axis}${bars.join("")}</svg>`;
}

/** A histogram of values (latencies, tokens) in `bins` equal bins. */
export function histogram(values: readonly number[], unit: string, bins = 20): string {
  const width = 640;
  const height = 160;
  if (values.length === 0) return `<p>no values</p>`;
  const max = Math.max(...values);
  const min = Math.min(...values);
  const span = max - min || 1;
  const counts = new Array<number>(bins).fill(0);
  for (const value of values) counts[Math.min(bins - 1, Math.floor(((value - min) / span) * bins))]!++;
  const top = Math.max(...counts);
  const barWidth = (width - 40) / bins;
  const bars = counts
    .map((count, index) => {
      const h = (count / top) * (height - 40);
      return `<rect x="${(20 + index * barWidth).toFixed(1)}" y="${(height - 20 - h).toFixed(1)}" width="${(barWidth - 2).toFixed(1)}" height="${h.toFixed(1)}" fill="#72b7b2"><title>${count}</title></rect>`;
    })
    .join("");
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-size="12" font-family="sans-serif">${bars}<text x="20" y="${height - 4}">${min.toFixed(0)} ${escapeHtml(unit)}</text><text x="${width - 20}" y="${height - 4}" text-anchor="end">${max.toFixed(0)} ${escapeHtml(unit)}</text><text x="20" y="12">max bin ${top}</text></svg>`;
}
