import { describeError, isLoupeError } from "../core/errors.js";

const encoder = new TextEncoder();

/**
 * A web stream of server-sent events (`event: <type>\ndata: <json>\n\n`), one per event, for an
 * HTTP response body (`new Response(toServerSentEvents(stream), { headers: { "content-type":
 * "text/event-stream" } })`). If the events fail (the run could not start), the stream ends with
 * one `error` event instead of breaking the response; cancelling the stream (the client went
 * away) stops the iteration, which cancels a `streamAsk` run.
 */
export function toServerSentEvents<Event extends { type: string }>(
  events: AsyncIterable<Event>,
): ReadableStream<Uint8Array> {
  const iterator = events[Symbol.asyncIterator]();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const next = await iterator.next();
        if (next.done) controller.close();
        else controller.enqueue(encoder.encode(serverSentEvent(next.value.type, next.value)));
      } catch (error) {
        const code = isLoupeError(error) ? error.code : "error";
        const failure = { type: "error", code, message: describeError(error), retrying: false };
        controller.enqueue(encoder.encode(serverSentEvent("error", failure)));
        controller.close();
      }
    },
    async cancel() {
      await iterator.return?.();
    },
  });
}

/** One event in the text/event-stream format; JSON keeps the data on one line. */
export function serverSentEvent(type: string, data: unknown): string {
  return `event: ${type}\ndata: ${JSON.stringify(data)}\n\n`;
}
