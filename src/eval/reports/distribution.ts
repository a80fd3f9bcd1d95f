/** p50 / p90 / max (and the mean) of a list of figures: latency, tokens, tool calls per item. */
export interface Distribution {
  n: number;
  mean: number;
  p50: number;
  p90: number;
  max: number;
}

/** Nearest-rank percentiles (the value at rank ⌈p·n⌉), so each figure is one of the values. */
export function distribution(values: readonly number[]): Distribution {
  const n = values.length;
  if (n === 0) return { n: 0, mean: 0, p50: 0, p90: 0, max: 0 };
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p: number) => sorted[Math.max(0, Math.ceil(p * n) - 1)]!;
  return {
    n,
    mean: sorted.reduce((sum, value) => sum + value, 0) / n,
    p50: rank(0.5),
    p90: rank(0.9),
    max: sorted[n - 1]!,
  };
}
