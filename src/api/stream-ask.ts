import { LoupeError } from "../core/errors.js";
import type { RunEvent } from "../core/events.js";
import { type AskOptions, type AskResult, ask } from "./ask.js";
import { EventQueue } from "./event-queue.js";

/** A run in progress: its events as they happen, and its result when it ends. */
export interface AskStream extends AsyncIterable<RunEvent> {
  /**
   * The run's events, in order, ending after `run-end`. One consumer: iterate it once. Stopping
   * early (break, or a server-sent event stream the client closed) cancels the run. When the run
   * cannot start (bad configuration, an unreadable image) iterating throws that LoupeError.
   */
  events: AsyncIterable<RunEvent>;
  /** What `ask` resolves to; rejects only when the run cannot start. */
  result: Promise<AskResult>;
}

/** `ask`, with its events as an async iterable: `for await (const event of streamAsk({...}))`. */
export function streamAsk(options: AskOptions): AskStream {
  const controller = new AbortController();
  const events = new EventQueue<RunEvent>(() =>
    controller.abort(new LoupeError("cancelled", "The run's event stream was closed before the run ended.")),
  );
  const signal = options.signal ? AbortSignal.any([options.signal, controller.signal]) : controller.signal;
  const result = ask({
    ...options,
    signal,
    onEvent: (event) => {
      options.onEvent?.(event);
      events.push(event);
    },
  });
  result.then(
    () => events.end(),
    (error: unknown) => events.fail(error),
  );
  // A caller who reads only the events gets the failure there; an unawaited `result` must not
  // also crash the process as an unhandled rejection.
  result.catch(() => {});
  return { events, result, [Symbol.asyncIterator]: () => events };
}
