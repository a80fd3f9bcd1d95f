import type { RunEvent } from "../../core/events.js";

/** A run event with its place in the run's log: the SSE `id:` a client resumes after. */
export interface NumberedEvent {
  id: number;
  event: RunEvent;
}

/** What a follower reads: the next event, or how many it missed because the log dropped them. */
export type LogEntry = NumberedEvent | { id: number; missed: number };

/**
 * The events of one run, numbered from 1 in order, kept in memory for clients that connect late
 * or reconnect with Last-Event-ID (decision 1013). At most `capacity` are kept: past it the
 * oldest go, and a client resuming before them is told how many it missed. A resumed run
 * (approval, follow-up) appends to the same log, so ids keep increasing across its segments.
 */
export class EventLog {
  readonly #capacity: number;
  #events: NumberedEvent[] = [];
  /** Index in #events of the oldest event kept. */
  #start = 0;
  #nextId = 1;
  #live = true;
  readonly #waiters = new Set<() => void>();

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  /** The id of the newest event, 0 before any. */
  get lastId(): number {
    return this.#nextId - 1;
  }

  /** The id of the oldest event still kept (lastId + 1 when none is). */
  get firstId(): number {
    return this.#events[this.#start]?.id ?? this.#nextId;
  }

  /** False once the run's current segment ended; true again when it is resumed. */
  get live(): boolean {
    return this.#live;
  }

  append(event: RunEvent): void {
    this.#events.push({ id: this.#nextId++, event });
    if (this.#events.length - this.#start > this.#capacity) this.#start++;
    // Drop the forgotten head now and then, not on every event: appends stay O(1) on average.
    if (this.#start >= this.#capacity) {
      this.#events = this.#events.slice(this.#start);
      this.#start = 0;
    }
    this.#wake();
  }

  /** The run ended: followers finish after the events already logged. */
  end(): void {
    this.#live = false;
    this.#wake();
  }

  /** The run goes on (resumed): followers that connect now wait for its events. */
  reopen(): void {
    this.#live = true;
  }

  /**
   * The events after `lastId`, as they are logged, until the run ends (or `signal` fires). When
   * the oldest wanted events were dropped, a `missed` entry says how many come before the first.
   */
  async *follow(lastId: number, signal?: AbortSignal): AsyncGenerator<LogEntry> {
    let cursor = Math.max(0, lastId);
    for (;;) {
      const first = this.firstId;
      if (cursor + 1 < first) {
        yield { id: first - 1, missed: first - 1 - cursor };
        cursor = first - 1;
      }
      while (cursor < this.lastId) {
        const entry = this.#byId(cursor + 1);
        cursor += 1;
        if (entry) yield entry;
      }
      if (!this.#live || signal?.aborted) return;
      await this.#changed(signal);
    }
  }

  #byId(id: number): NumberedEvent | undefined {
    const index = this.#start + (id - this.firstId);
    return this.#events[index];
  }

  #changed(signal: AbortSignal | undefined): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        this.#waiters.delete(done);
        signal?.removeEventListener("abort", done);
        resolve();
      };
      this.#waiters.add(done);
      signal?.addEventListener("abort", done, { once: true });
    });
  }

  #wake(): void {
    for (const waiter of [...this.#waiters]) waiter();
  }
}
