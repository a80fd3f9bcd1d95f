import type { TokenUsage } from "../core/model-output.js";

type UsageListener = (usage: TokenUsage) => void;

/**
 * Model tokens spent for a run outside its own turns, such as web_visit's page summaries. The
 * spender is made before the run (the toolbox is), so it reports here, and the run listening at the
 * time adds the tokens to its token budget and budgetsUsed. One run listens at a time: give
 * concurrent runs a channel (and summarizer) each, or their tokens would be counted together.
 */
export class UsageChannel {
  #listener: UsageListener | undefined;

  /** Reports spent tokens; a function, so it can be passed as a callback on its own. */
  readonly report = (usage: TokenUsage): void => {
    this.#listener?.(usage);
  };

  /** Starts sending reports to `listener`; returns the function that stops it. */
  listen(listener: UsageListener): () => void {
    this.#listener = listener;
    return () => {
      if (this.#listener === listener) this.#listener = undefined;
    };
  }
}
