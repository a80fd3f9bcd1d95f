import type { ImageSet } from "../../core/image-set.js";
import type { RunFilter, RunSummary } from "../../core/run-store.js";
import type { Trajectory } from "../../core/trajectory.js";
import { EventLog } from "./event-log.js";

/** A run the server started or resumed: its events, its latest trajectory, and how to stop it. */
export interface ServedRun {
  id: string;
  /** Who started it: the API key's digest name, or "anonymous" without keys. */
  caller: string;
  createdAt: string;
  log: EventLog;
  images: ImageSet;
  /** The latest checkpoint while it runs, the whole trajectory once it ended. */
  trajectory?: Trajectory;
  /** The id of the first event of the segment running now (a resumed run's new events start here). */
  segmentStart: number;
  /** Cancels the segment running now. */
  controller: AbortController;
  /** Why the run could not start, when it could not (its parts failed after the request was accepted). */
  failure?: { code: string; message: string };
  /** Settles when the segment running now ends. */
  settled: Promise<void>;
}

export function isRunning(run: ServedRun): boolean {
  return run.log.live;
}

/**
 * The runs this process knows, live and recently finished, by id (decision 1013). A run stays
 * here while it runs, whether or not any client still listens; finished ones are kept (newest
 * `finishedKept`) so they can be fetched, listed and resumed, and their events replayed.
 */
export class RunRegistry {
  readonly #runs = new Map<string, ServedRun>();
  readonly #finished: string[] = [];
  readonly #finishedKept: number;
  readonly #eventBufferSize: number;

  constructor(options: { finishedKept: number; eventBufferSize: number }) {
    this.#finishedKept = options.finishedKept;
    this.#eventBufferSize = options.eventBufferSize;
  }

  get(id: string): ServedRun | undefined {
    return this.#runs.get(id);
  }

  /** A new entry, or the existing one reopened for a resumed segment (its event ids go on). */
  open(id: string, caller: string, images: ImageSet, createdAt = new Date().toISOString()): ServedRun {
    const existing = this.#runs.get(id);
    if (existing) {
      existing.log.reopen();
      existing.segmentStart = existing.log.lastId + 1;
      existing.images = images;
      existing.controller = new AbortController();
      const at = this.#finished.indexOf(id);
      if (at >= 0) this.#finished.splice(at, 1);
      return existing;
    }
    const run: ServedRun = {
      id,
      caller,
      createdAt,
      log: new EventLog(this.#eventBufferSize),
      images,
      segmentStart: 1,
      controller: new AbortController(),
      settled: Promise.resolve(),
    };
    this.#runs.set(id, run);
    return run;
  }

  /** The run's segment ended: it joins the finished ones, the oldest of which are forgotten. */
  finished(run: ServedRun): void {
    run.log.end();
    this.#finished.push(run.id);
    while (this.#finished.length > this.#finishedKept) {
      const oldest = this.#finished.shift();
      if (oldest !== undefined) this.#runs.delete(oldest);
    }
  }

  live(): ServedRun[] {
    return [...this.#runs.values()].filter(isRunning);
  }

  all(): ServedRun[] {
    return [...this.#runs.values()];
  }

  /** Runs in memory as a listing, newest first, filtered as a RunStore filters. */
  list(filter: RunFilter = {}): RunSummary[] {
    const summaries = this.all()
      .flatMap((run) => (run.trajectory ? [summaryOf(run.trajectory)] : []))
      .filter((summary) => matches(summary, filter))
      .sort((a, b) =>
        a.createdAt === b.createdAt ? b.id.localeCompare(a.id) : b.createdAt.localeCompare(a.createdAt),
      );
    const before = filter.before ? summaries.findIndex((summary) => summary.id === filter.before) : -1;
    return summaries.slice(before + 1).slice(0, Math.min(filter.limit ?? 50, 1000));
  }
}

/** A trajectory's line in a listing. */
export function summaryOf(trajectory: Trajectory): RunSummary {
  const tools = trajectory.steps.flatMap((step) => step.actions.map((action) => action.tool));
  return {
    id: trajectory.id,
    createdAt: trajectory.createdAt,
    question: trajectory.question,
    ...(trajectory.answer === undefined ? {} : { answer: trajectory.answer }),
    model: trajectory.config.model,
    dialect: trajectory.config.dialect,
    stopReason: trajectory.stopReason,
    toolsUsed: [...new Set(tools)].sort(),
    steps: trajectory.budgetsUsed.steps,
    toolCalls: trajectory.budgetsUsed.toolCalls,
    promptTokens: trajectory.budgetsUsed.usage.promptTokens,
    completionTokens: trajectory.budgetsUsed.usage.completionTokens,
    wallMs: trajectory.budgetsUsed.wallMs,
  };
}

function matches(summary: RunSummary, filter: RunFilter): boolean {
  if (filter.model !== undefined && summary.model !== filter.model) return false;
  if (filter.dialect !== undefined && summary.dialect !== filter.dialect) return false;
  if (filter.stopReason !== undefined && summary.stopReason !== filter.stopReason) return false;
  if (filter.toolUsed !== undefined && !summary.toolsUsed.includes(filter.toolUsed)) return false;
  if (filter.since !== undefined && summary.createdAt < filter.since) return false;
  if (filter.until !== undefined && summary.createdAt > filter.until) return false;
  if (filter.text !== undefined) {
    const text = filter.text.toLowerCase();
    const found = `${summary.question}\n${summary.answer ?? ""}`.toLowerCase().includes(text);
    if (!found) return false;
  }
  return true;
}
