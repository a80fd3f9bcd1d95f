import type { Context, Hono } from "hono";
import { replayEvents } from "../../agent/replay-events.js";
import { LoupeError } from "../../core/errors.js";
import type { RunEvent } from "../../core/events.js";
import type { Trajectory } from "../../core/trajectory.js";
import { ApiError, badRequest } from "./api-error.js";
import type { LogEntry } from "./event-log.js";
import { readJson } from "./request-body.js";
import { loadRequestImages } from "./request-images.js";
import { isRunning, type ServedRun } from "./run-registry.js";
import { readRunRequest, resumeRequest, runFilter } from "./run-requests.js";
import type { ServerContext, ServerEnv } from "./server-app.js";
import { newRunId, runUrl } from "./server-app.js";
import { runEventText, sseBody, sseHeaders } from "./sse-stream.js";

/**
 * The run API: create a run (JSON or multipart), follow its events (SSE, resumable with
 * Last-Event-ID), fetch its trajectory, cancel, resume (approve or reject waiting calls, or a
 * follow-up question), list and search runs, and fetch images by hash.
 */
export function runRoutes(app: Hono<ServerEnv>, context: ServerContext): void {
  const { launcher, registry, config, store } = context;
  const runLinks = (c: Context, id: string, status: string) => {
    const url = runUrl(c, config, id);
    return { id, object: "loupe.run", status, run_url: url, events_url: `${url}/events` };
  };

  app.post("/v1/runs", async (c) => {
    const request = await readRunRequest(c);
    const caller = c.get("caller");
    const release = launcher.reserve(caller);
    let run: ServedRun;
    try {
      const runConfig = await launcher.configFor(request.options);
      const images = await loadRequestImages(request.images, runConfig.images, {
        allowPrivateAddresses: config.server.allowPrivateImageUrls,
      });
      run = await launcher.start(
        {
          question: request.question,
          ...(request.choices ? { choices: request.choices } : {}),
          images,
          config: runConfig,
          mode: request.options.mode,
          caller,
          release,
        },
        newRunId(),
      );
    } catch (error) {
      release();
      throw error;
    }
    return c.json(runLinks(c, run.id, "running"), 201, { "x-loupe-run-id": run.id });
  });

  app.get("/v1/runs", async (c) => {
    const filter = runFilter(c);
    const runs = store ? await store.list(filter) : registry.list(filter);
    return c.json({ object: "list", data: runs });
  });

  app.get("/v1/runs/:id", async (c) => {
    const id = c.req.param("id");
    const run = registry.get(id);
    const trajectory = run?.trajectory ?? (run ? undefined : await store?.getTrajectory(id));
    if (!run && !trajectory) throw notFound(id);
    const status = run && isRunning(run) ? "running" : statusOf(trajectory);
    return c.json({
      ...runLinks(c, id, status),
      stop_reason: status === "running" ? null : (trajectory?.stopReason ?? null),
      answer: trajectory?.answer ?? null,
      awaiting_approval: status === "paused" ? (trajectory?.resume?.awaitingApproval ?? []) : [],
      ...(run?.failure ? { error: run.failure } : trajectory?.error ? { error: trajectory.error } : {}),
      trajectory: trajectory ?? null,
    });
  });

  app.get("/v1/runs/:id/events", async (c) => {
    const id = c.req.param("id");
    const lastId = lastEventId(c);
    const run = registry.get(id);
    const stop = new AbortController();
    let entries: AsyncGenerator<LogEntry>;
    if (run) entries = run.log.follow(lastId, stop.signal);
    else {
      // Not in memory: the recorded run's events, numbered afresh (decision 1013).
      const checkpoint = await launcher.checkpointOf(id).catch((error: unknown) => {
        if (error instanceof LoupeError && error.code === "run-not-found") throw notFound(id);
        throw error;
      });
      entries = replayed([...replayEvents(checkpoint.trajectory, checkpoint.images)], lastId);
    }
    return new Response(sseBody(texts(entries), stop), { headers: { ...sseHeaders, "x-loupe-run-id": id } });
  });

  app.post("/v1/runs/:id/cancel", async (c) => {
    const id = c.req.param("id");
    const run = registry.get(id);
    if (!run) {
      if (await store?.getTrajectory(id)) throw notRunning(id);
      throw notFound(id);
    }
    if (!isRunning(run)) throw notRunning(id);
    run.controller.abort(new LoupeError("cancelled", `Run ${id} was cancelled through the API.`));
    await run.settled;
    return c.json({
      ...runLinks(c, id, statusOf(run.trajectory)),
      stop_reason: run.trajectory?.stopReason ?? null,
    });
  });

  app.post("/v1/runs/:id/resume", async (c) => {
    const id = c.req.param("id");
    const body = await readJson(c);
    const checkpoint = await launcher.checkpointOf(id).catch((error: unknown) => {
      if (error instanceof LoupeError && error.code === "run-not-found") throw notFound(id);
      throw error;
    });
    const existing = registry.get(id);
    if (existing && isRunning(existing))
      throw new ApiError(
        409,
        "conflict_error",
        "run-running",
        `Run ${id} is still running; resume it once it stops.`,
      );
    const request = resumeRequest(body, checkpoint.trajectory);
    const run = await launcher.resume(id, request, c.get("caller"), checkpoint);
    return c.json({ ...runLinks(c, run.id, "running"), next_event_id: run.segmentStart }, 202);
  });

  app.get("/v1/images/:hash", async (c) => {
    const hash = c.req.param("hash").replace(/\.[a-z]+$/, "");
    if (!/^[0-9a-f]{64}$/.test(hash))
      throw badRequest("invalid-image-id", "An image id is the 64 hex digits of its SHA-256.", "hash");
    for (const run of registry.all()) {
      const ref = run.images.byId(hash);
      if (ref) return imageResponse(c, run.images.bytes(hash), ref.mime);
    }
    const stored = await store?.getImage(hash);
    if (stored) return imageResponse(c, stored.bytes, stored.mime);
    throw new ApiError(404, "not_found_error", "image-not-found", `No image ${hash} on this server.`);
  });
}

function imageResponse(c: Context, bytes: Uint8Array, mime: string): Response {
  return c.body(new Uint8Array(bytes), 200, {
    "content-type": mime,
    // Named by its content: it never changes.
    "cache-control": "private, max-age=31536000, immutable",
  });
}

function statusOf(trajectory: Trajectory | undefined): "paused" | "finished" | "running" {
  if (!trajectory) return "running";
  return trajectory.stopReason === "paused" ? "paused" : "finished";
}

function notFound(id: string): ApiError {
  return new ApiError(404, "not_found_error", "run-not-found", `No run ${id} on this server.`, {
    param: "id",
  });
}

function notRunning(id: string): ApiError {
  return new ApiError(
    409,
    "conflict_error",
    "run-not-running",
    `Run ${id} is not running: there is nothing to cancel.`,
  );
}

/** Where a client resumes: the Last-Event-ID header (EventSource sends it), or ?after=N. */
function lastEventId(c: Context): number {
  const raw = c.req.header("last-event-id") ?? c.req.query("after");
  if (raw === undefined || raw === "") return 0;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0)
    throw badRequest(
      "invalid-event-id",
      `Last-Event-ID must be a whole number of events, got ${JSON.stringify(raw)}.`,
    );
  return value;
}

async function* replayed(events: RunEvent[], lastId: number): AsyncGenerator<LogEntry> {
  for (let index = lastId; index < events.length; index++) {
    const event = events[index];
    if (event) yield { id: index + 1, event };
  }
}

async function* texts(entries: AsyncGenerator<LogEntry>): AsyncGenerator<string> {
  try {
    for await (const entry of entries) yield runEventText(entry);
  } finally {
    await entries.return(undefined);
  }
}
