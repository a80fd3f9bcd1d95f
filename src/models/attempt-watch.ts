import { MalformedReplyError } from "./malformed-reply.js";
import { formatCount, OversizedBodyError } from "./reply-limit.js";

/** Longest gap between two "still waiting" notices. */
const maxWaitNoticeMs = 15_000;

export interface AttemptWatchOptions {
  /** Bound on the whole attempt, streamed reply included (model.timeoutMs). */
  timeoutMs: number;
  /** Bound on a silence: no byte for this long ends the attempt (model.idleTimeoutMs). */
  idleTimeoutMs: number;
  /**
   * Whether silence counts before the response headers. A streaming server answers at once and
   * then sends tokens; a non-streaming one sends nothing until the whole reply is generated.
   */
  idleBeforeHeaders: boolean;
  /** Most bytes of one server-sent event, or of a whole body that is not an event stream. */
  maxEventBytes: number;
  /** The caller's cancellation. */
  signal?: AbortSignal;
  /** Called every so often while nothing arrives, with how long it has been. */
  onWait?: (waitedMs: number) => void;
}

/**
 * Watches one attempt of a model request on the wire: its `fetch` sees every byte of the reply,
 * so silence (a server that accepted the connection and went quiet), a reply past its time, and
 * one event that never ends are caught where they happen, whatever the SDK buffers above.
 * `signal` ends the attempt; `idledOut` and `timedOut` say why it ended.
 */
export class AttemptWatch {
  readonly controller = new AbortController();
  readonly signal: AbortSignal;
  timedOut = false;
  idledOut = false;
  #lastByteAt = Date.now();
  #headersIn = false;
  readonly #timers: ReturnType<typeof setTimeout>[] = [];
  #idleTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly options: AttemptWatchOptions) {
    this.signal = options.signal
      ? AbortSignal.any([options.signal, this.controller.signal])
      : this.controller.signal;
    this.#timers.push(
      setTimeout(() => {
        this.timedOut = true;
        this.controller.abort(new Error("model request timed out"));
      }, options.timeoutMs),
    );
    if (options.idleBeforeHeaders) this.#armIdle();
    if (options.onWait) {
      const every = Math.min(maxWaitNoticeMs, Math.max(50, Math.floor(options.idleTimeoutMs / 2)));
      const onWait = options.onWait;
      const interval = setInterval(() => {
        const waited = Date.now() - this.#lastByteAt;
        if (waited >= every * 0.9 && !this.signal.aborted) onWait(waited);
      }, every);
      this.#timers.push(interval);
    }
  }

  /**
   * A fetch for the SDK: marks every byte, and fails a body whose event passes the limit.
   * Redirects are not followed: undici copies the whole request body into a second stream on
   * every request it might have to redirect (tens of MB per step for a question with many
   * images), and a model server that redirects is better named than followed.
   */
  readonly fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    let response: Response;
    try {
      response = await fetch(input, { ...init, redirect: "error", window: null });
    } catch (error) {
      if (error instanceof TypeError && (error.cause as Error | undefined)?.message === "unexpected redirect")
        throw new MalformedReplyError(
          "answered with a redirect, which Loupe does not follow for model requests: set model.baseUrl to the address it redirects to",
        );
      throw error;
    }
    this.#headersIn = true;
    this.#touch();
    if (!response.body) return response;
    const eventStream = (response.headers.get("content-type") ?? "").includes("text/event-stream");
    const counter = new EventSizeCounter(this.options.maxEventBytes, eventStream);
    const body = response.body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform: (chunk, controller) => {
          this.#touch();
          const problem = counter.add(chunk);
          if (problem) controller.error(new OversizedBodyError(problem));
          else controller.enqueue(chunk);
        },
      }),
    );
    return new Response(body, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  };

  dispose(): void {
    for (const timer of this.#timers) clearTimeout(timer);
    clearTimeout(this.#idleTimer);
  }

  #touch(): void {
    this.#lastByteAt = Date.now();
    if (this.#headersIn || this.options.idleBeforeHeaders) this.#armIdle();
  }

  #armIdle(): void {
    clearTimeout(this.#idleTimer);
    this.#idleTimer = setTimeout(() => {
      this.idledOut = true;
      this.controller.abort(new Error("model server went silent"));
    }, this.options.idleTimeoutMs);
  }
}

/**
 * Counts the bytes of the current server-sent event (since the last blank line) or, for a body
 * that is not an event stream, of the whole body; says what went wrong past the limit.
 */
class EventSizeCounter {
  #size = 0;
  #afterNewline = false;

  constructor(
    private readonly maxBytes: number,
    private readonly eventStream: boolean,
  ) {}

  add(chunk: Uint8Array): string | undefined {
    if (!this.eventStream) {
      this.#size += chunk.length;
      return this.#size > this.maxBytes
        ? `its body passed ${formatCount(this.maxBytes)} bytes without ending`
        : undefined;
    }
    for (let at = 0; at < chunk.length; at++) {
      const byte = chunk[at];
      if (byte === 0x0a) {
        if (this.#afterNewline) this.#size = 0;
        this.#afterNewline = true;
      } else if (byte !== 0x0d) {
        this.#afterNewline = false;
        if (++this.#size > this.maxBytes)
          return `one server-sent event passed ${formatCount(this.maxBytes)} bytes without ending`;
      }
    }
    return undefined;
  }
}
