/**
 * How many runs each caller (by API key; one shared caller without keys) has going, with a
 * ceiling: `acquire` gives a release function, or undefined when the caller is at the limit
 * (the server then answers 429 with Retry-After).
 */
export class ConcurrencyLimit {
  readonly #running = new Map<string, number>();
  readonly #limit: number;

  constructor(limit: number) {
    this.#limit = limit;
  }

  acquire(caller: string): (() => void) | undefined {
    const running = this.#running.get(caller) ?? 0;
    if (running >= this.#limit) return undefined;
    this.#running.set(caller, running + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const now = (this.#running.get(caller) ?? 1) - 1;
      if (now <= 0) this.#running.delete(caller);
      else this.#running.set(caller, now);
    };
  }

  running(caller: string): number {
    return this.#running.get(caller) ?? 0;
  }
}
