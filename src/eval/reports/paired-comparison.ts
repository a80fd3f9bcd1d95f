import type { EvalResult } from "../../store/eval-store.js";
import { mcnemarExact } from "./mcnemar.js";

/** Two runs over the same items, item by item: who was right where, and whether it is chance. */
export interface PairedComparison {
  a: string;
  b: string;
  /** Items both have a finished result for. */
  paired: number;
  bothRight: number;
  bothWrong: number;
  /** Right in A only (B got them wrong), and the reverse. */
  onlyA: string[];
  onlyB: string[];
  accuracyA: number;
  accuracyB: number;
  /** McNemar's exact two-sided p-value on the discordant items. */
  pValue: number;
}

export function compareResults(
  a: readonly EvalResult[],
  b: readonly EvalResult[],
  labels: { a: string; b: string },
): PairedComparison {
  const finished = (results: readonly EvalResult[]) =>
    new Map(results.filter((result) => result.status !== "running").map((result) => [result.itemId, result]));
  const left = finished(a);
  const right = finished(b);
  const onlyA: string[] = [];
  const onlyB: string[] = [];
  let bothRight = 0;
  let bothWrong = 0;
  for (const [id, resultA] of left) {
    const resultB = right.get(id);
    if (!resultB) continue;
    const x = resultA.correct === true;
    const y = resultB.correct === true;
    if (x && y) bothRight++;
    else if (x) onlyA.push(id);
    else if (y) onlyB.push(id);
    else bothWrong++;
  }
  const paired = bothRight + bothWrong + onlyA.length + onlyB.length;
  return {
    a: labels.a,
    b: labels.b,
    paired,
    bothRight,
    bothWrong,
    onlyA,
    onlyB,
    accuracyA: paired === 0 ? 0 : (bothRight + onlyA.length) / paired,
    accuracyB: paired === 0 ? 0 : (bothRight + onlyB.length) / paired,
    pValue: mcnemarExact(onlyA.length, onlyB.length),
  };
}
