/**
 * McNemar's exact test on paired outcomes: of the items where the two runs disagree, `b` were
 * right only in A and `c` only in B; under "no difference" each disagreement is a fair coin, so
 * the two-sided p-value is min(1, 2·P[X ≤ min(b, c)]) for X ~ Binomial(b + c, 1/2). Exact for
 * any size (no continuity correction to choose); log-space sums keep large counts finite.
 */
export function mcnemarExact(b: number, c: number): number {
  const n = b + c;
  if (n === 0) return 1;
  const k = Math.min(b, c);
  let logChoose = 0; // log C(n, 0)
  const logHalfPowN = n * Math.log(0.5);
  let tail = 0;
  for (let i = 0; i <= k; i++) {
    if (i > 0) logChoose += Math.log(n - i + 1) - Math.log(i);
    tail += Math.exp(logChoose + logHalfPowN);
  }
  return Math.min(1, 2 * tail);
}
