import { LoupeError } from "../../core/errors.js";
import { seededRandom } from "../../core/seeded-random.js";
import type { EvalItem } from "../eval-item.js";

/** Which of a benchmark's items an evaluation runs (`--ids`, `--sample N --seed S`, `--limit`). */
export interface ItemSelection {
  /** Only these ids, in the data's order; an id the data lacks is an error. */
  ids?: readonly string[];
  /** A random sample of this many, the same for the same seed and data; kept in the data's order. */
  sample?: number;
  seed?: number;
  /** The first this many (after `ids` and `sample`). */
  limit?: number;
}

/**
 * Applies a selection: `ids` first, then `sample`, then `limit`. The sample is a seeded
 * Fisher–Yates shuffle of positions (mulberry32), so it depends only on the seed and the number
 * of items, never on the machine or the Node version.
 */
export function selectItems<T extends Pick<EvalItem, "id">>(
  items: readonly T[],
  selection: ItemSelection,
): T[] {
  let chosen = [...items];
  if (selection.ids !== undefined) {
    const wanted = new Set(selection.ids);
    const known = new Set(items.map((item) => item.id));
    const unknown = [...wanted].filter((id) => !known.has(id));
    if (unknown.length > 0)
      throw new LoupeError(
        "eval-data",
        `--ids: ${unknown.length === 1 ? "no item has the id" : "no items have the ids"} ${unknown.slice(0, 5).join(", ")}${unknown.length > 5 ? ", …" : ""}.`,
      );
    chosen = chosen.filter((item) => wanted.has(item.id));
  }
  if (selection.sample !== undefined && selection.sample < chosen.length) {
    const positions = seededShuffle(chosen.length, selection.seed ?? 0).slice(0, selection.sample);
    positions.sort((a, b) => a - b);
    chosen = positions.map((position) => chosen[position]!);
  }
  if (selection.limit !== undefined) chosen = chosen.slice(0, selection.limit);
  return chosen;
}

/** 0..n-1 shuffled by a seeded Fisher–Yates. */
export function seededShuffle(n: number, seed: number): number[] {
  const random = seededRandom(seed);
  const positions = Array.from({ length: n }, (_, index) => index);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [positions[i], positions[j]] = [positions[j]!, positions[i]!];
  }
  return positions;
}
