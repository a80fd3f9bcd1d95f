import type { RunEvent } from "../../core/events.js";

/** Upper bounds (seconds) of the model latency histogram's buckets. */
const latencyBuckets = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

/**
 * The server's counters, read by `GET /metrics` in Prometheus' text format: runs started and
 * finished (by stop reason), steps, tool calls (by tool), model call latency, errors (by code),
 * runs in flight and HTTP requests. Counted from the runs' events and the model calls, so every
 * run counts alike, whichever route started it.
 */
export class ServerMetrics {
  #runsStarted = 0;
  readonly #runsFinished = new Map<string, number>();
  #steps = 0;
  readonly #toolCalls = new Map<string, number>();
  readonly #errors = new Map<string, number>();
  readonly #requests = new Map<string, number>();
  readonly #latencyCounts = latencyBuckets.map(() => 0);
  #latencyCount = 0;
  #latencySum = 0;
  readonly #inFlight: () => number;

  /** `inFlight` counts the runs going on now (the registry's live runs). */
  constructor(inFlight: () => number = () => 0) {
    this.#inFlight = inFlight;
  }

  /** One event of any run. */
  observe(event: RunEvent): void {
    if (event.type === "run-start") this.#runsStarted += 1;
    else if (event.type === "run-end") increment(this.#runsFinished, event.stopReason);
    else if (event.type === "step-start") this.#steps += 1;
    else if (event.type === "tool-call-start") increment(this.#toolCalls, event.tool);
    else if (event.type === "error") increment(this.#errors, event.code);
  }

  /** One model call's wall time. */
  observeModelLatency(seconds: number): void {
    this.#latencyCount += 1;
    this.#latencySum += seconds;
    latencyBuckets.forEach((bound, index) => {
      if (seconds <= bound) this.#latencyCounts[index] = (this.#latencyCounts[index] ?? 0) + 1;
    });
  }

  /** A request answered with an error before any run (bad JSON, auth, 429, ...). */
  observeRequestError(code: string): void {
    increment(this.#errors, code);
  }

  observeRequest(route: string, status: number): void {
    increment(this.#requests, `${route}\u0000${status}`);
  }

  /** The Prometheus text exposition format (version 0.0.4). */
  render(): string {
    const lines: string[] = [];
    const family = (name: string, type: string, help: string) =>
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    family("loupe_runs_started_total", "counter", "Runs started (fresh and resumed).");
    lines.push(`loupe_runs_started_total ${this.#runsStarted}`);
    family("loupe_runs_finished_total", "counter", "Runs finished, by stop reason.");
    for (const [reason, value] of this.#runsFinished)
      lines.push(`loupe_runs_finished_total{stop_reason="${label(reason)}"} ${value}`);
    family("loupe_runs_in_flight", "gauge", "Runs going on now.");
    lines.push(`loupe_runs_in_flight ${this.#inFlight()}`);
    family("loupe_steps_total", "counter", "Model turns taken by all runs.");
    lines.push(`loupe_steps_total ${this.#steps}`);
    family("loupe_tool_calls_total", "counter", "Tool calls, by tool.");
    for (const [tool, value] of this.#toolCalls)
      lines.push(`loupe_tool_calls_total{tool="${label(tool)}"} ${value}`);
    family("loupe_errors_total", "counter", "Errors, by code (run errors and refused requests).");
    for (const [code, value] of this.#errors)
      lines.push(`loupe_errors_total{code="${label(code)}"} ${value}`);
    family("loupe_model_latency_seconds", "histogram", "Wall time of one model call.");
    latencyBuckets.forEach((bound, index) => {
      lines.push(`loupe_model_latency_seconds_bucket{le="${bound}"} ${this.#latencyCounts[index]}`);
    });
    lines.push(`loupe_model_latency_seconds_bucket{le="+Inf"} ${this.#latencyCount}`);
    lines.push(`loupe_model_latency_seconds_sum ${this.#latencySum}`);
    lines.push(`loupe_model_latency_seconds_count ${this.#latencyCount}`);
    family("loupe_http_requests_total", "counter", "HTTP requests, by route and status.");
    for (const [key, value] of this.#requests) {
      const [route, status] = key.split("\u0000");
      lines.push(`loupe_http_requests_total{route="${label(route ?? "")}",status="${status}"} ${value}`);
    }
    return `${lines.join("\n")}\n`;
  }
}

function increment(counts: Map<string, number>, key: string): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

/** A label value as the text format wants it: backslash, quote and newline escaped. */
function label(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}
