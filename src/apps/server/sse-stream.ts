import type { LogEntry } from "./event-log.js";

const encoder = new TextEncoder();

/** How often an idle stream sends a comment, so proxies and clients do not drop a quiet run. */
const keepAliveMs = 15_000;

/**
 * A text/event-stream body from an async source of chunks (already formatted SSE text). Reading
 * stops when the client goes away (`cancel`), which stops the source and nothing else: the run
 * goes on. While the source is quiet, a `: keep-alive` comment goes out every 15 s.
 */
export function sseBody(source: AsyncGenerator<string>, stop: AbortController): ReadableStream<Uint8Array> {
  let timer: NodeJS.Timeout | undefined;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      timer = setInterval(() => {
        try {
          controller.enqueue(encoder.encode(": keep-alive\n\n"));
        } catch {
          clearInterval(timer);
        }
      }, keepAliveMs);
      timer.unref();
    },
    async pull(controller) {
      const next = await source.next();
      if (next.done) {
        clearInterval(timer);
        controller.close();
      } else controller.enqueue(encoder.encode(next.value));
    },
    async cancel() {
      clearInterval(timer);
      stop.abort();
      await source.return(undefined);
    },
  });
}

/** One logged run event as SSE, with its id (what Last-Event-ID sends back) and type. */
export function runEventText(entry: LogEntry): string {
  if ("missed" in entry)
    return `id: ${entry.id}\nevent: events-dropped\ndata: ${JSON.stringify({ type: "events-dropped", missed: entry.missed })}\n\n`;
  return `id: ${entry.id}\nevent: ${entry.event.type}\ndata: ${JSON.stringify(entry.event)}\n\n`;
}

export const sseHeaders = {
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-cache",
  // Tells nginx not to buffer the stream.
  "x-accel-buffering": "no",
} as const;
