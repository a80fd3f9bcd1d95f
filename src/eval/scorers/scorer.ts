import type { EvalItem, ItemScore } from "../eval-item.js";
import type { Judge } from "../judges/judge.js";

/**
 * An item's score as a scorer returns it: the shared `ItemScore`, plus figures a summary averages
 * (TreeBench's `iou`, FVQA's `substringMatch`) and, where the scorer has a strict variant, what
 * that variant says. The official figure is always `correct`/`score`; `strict` sits beside it.
 */
export interface ScoredItem extends ItemScore {
  metrics?: Record<string, number>;
  strict?: { correct: boolean; extracted?: string; why: string };
  /** The judge could not be asked (after its retries); the item counts as wrong and is listed. */
  judgeError?: string;
}

export interface ScoreContext {
  /** Also compute the strict variant (only scorers with a known quirk have one). */
  strict: boolean;
  /** The LLM judge, for scorers that need one. */
  judge?: Judge;
  signal?: AbortSignal;
}

/**
 * Turns (item, response) into a score the way one benchmark's own code does. Rule scorers are
 * synchronous in effect; judge scorers call the judge model.
 */
export interface Scorer {
  name: string;
  /** The upstream file this scorer reproduces, for docs and `--json` output. */
  upstream: string;
  needsJudge: boolean;
  /** A strict variant exists (it fixes a known upstream quirk; reported beside the official figure). */
  hasStrict: boolean;
  score(item: EvalItem, response: string, context: ScoreContext): ScoredItem | Promise<ScoredItem>;
}
