import type { ChatModel, ChatModelRequest } from "../../agent/chat-model.js";
import type { ModelOutput } from "../../core/model-output.js";

/**
 * `--rate R`: requests to the model at most R per second across every item in flight. Each
 * request reserves the next free slot (1/R apart) and waits for it, so concurrent items queue in
 * order instead of bursting.
 */
export class RequestRate {
  readonly #intervalMs: number;
  readonly #now: () => number;
  #nextFreeAt = Number.NEGATIVE_INFINITY;

  constructor(requestsPerSecond: number, now: () => number = () => performance.now()) {
    this.#intervalMs = 1000 / requestsPerSecond;
    this.#now = now;
  }

  /** Claims the next slot; returns how many milliseconds to wait for it (0 when free now). */
  reserve(): number {
    const now = this.#now();
    const slot = Math.max(now, this.#nextFreeAt);
    this.#nextFreeAt = slot + this.#intervalMs;
    return slot - now;
  }

  async acquire(signal?: AbortSignal): Promise<void> {
    const waitMs = this.reserve();
    if (waitMs <= 0) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, waitMs);
      function done() {
        clearTimeout(timer);
        signal?.removeEventListener("abort", done);
        resolve();
      }
      // A cancelled wait goes on at once: the request itself then sees the signal and stops.
      signal?.addEventListener("abort", done, { once: true });
    });
  }
}

/** The model behind a rate: every request waits for its slot first. */
export function rateLimitedModel(model: ChatModel, rate: RequestRate): ChatModel {
  return {
    model: model.model,
    async complete(request: ChatModelRequest): Promise<ModelOutput> {
      await rate.acquire(request.signal);
      return model.complete(request);
    },
  };
}
