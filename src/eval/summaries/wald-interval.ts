/**
 * The Wald 95% interval R1V4 reports accuracy with: p ± 1.96 √(p(1−p)/n), clipped to [0, 1].
 * For a mean of scores in [0, 1] (MMSearch's F1) the same normal interval uses the sample's
 * standard deviation instead of √(p(1−p)).
 */
export interface Estimate {
  /** The figure: an accuracy or a mean score, 0–1. */
  value: number;
  /** Items behind it. */
  n: number;
  low: number;
  high: number;
}

const z95 = 1.959964;

function clip(value: number): number {
  return Math.min(1, Math.max(0, value));
}

export function waldInterval(value: number, n: number): Estimate {
  if (n === 0) return { value: 0, n: 0, low: 0, high: 0 };
  const half = z95 * Math.sqrt((value * (1 - value)) / n);
  return { value, n, low: clip(value - half), high: clip(value + half) };
}

export function meanInterval(values: readonly number[]): Estimate {
  const n = values.length;
  if (n === 0) return { value: 0, n: 0, low: 0, high: 0 };
  const mean = values.reduce((sum, value) => sum + value, 0) / n;
  const variance = n > 1 ? values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (n - 1) : 0;
  const half = z95 * Math.sqrt(variance / n);
  return { value: mean, n, low: clip(mean - half), high: clip(mean + half) };
}
