/**
 * A one-consumer async queue: a producer pushes values and ends it (or fails it); the consumer
 * iterates them in order. Values wait in memory until read, which a run's events can afford (a
 * run is bounded by its budgets).
 */
export class EventQueue<T> implements AsyncIterableIterator<T> {
  readonly #values: T[] = [];
  #ended = false;
  #failure: { error: unknown } | undefined;
  #wake: (() => void) | undefined;
  readonly #onReturn: (() => void) | undefined;

  /** `onReturn` is called when the consumer stops early (break, or a cancelled stream). */
  constructor(onReturn?: () => void) {
    this.#onReturn = onReturn;
  }

  push(value: T): void {
    if (this.#ended) return;
    this.#values.push(value);
    this.#wakeConsumer();
  }

  /** No more values: the consumer finishes after reading those already queued. */
  end(): void {
    this.#ended = true;
    this.#wakeConsumer();
  }

  /** Ends the queue with an error, which the consumer gets after the values already queued. */
  fail(error: unknown): void {
    if (this.#ended) return;
    this.#failure = { error };
    this.end();
  }

  async next(): Promise<IteratorResult<T>> {
    for (;;) {
      if (this.#values.length > 0) return { done: false, value: this.#values.shift() as T };
      if (this.#failure) {
        const { error } = this.#failure;
        this.#failure = undefined;
        throw error;
      }
      if (this.#ended) return { done: true, value: undefined };
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
      });
    }
  }

  async return(): Promise<IteratorResult<T>> {
    const early = !this.#ended;
    this.#values.length = 0;
    this.#failure = undefined;
    this.#ended = true;
    if (early) this.#onReturn?.();
    return { done: true, value: undefined };
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  #wakeConsumer(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }
}
