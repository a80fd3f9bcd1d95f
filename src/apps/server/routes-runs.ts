import type { Context, Hono } from "hono";
import { replayEvents } from "../../agent/replay-events.js";
import type { ApprovalDecisions } from "../../agent/tool-approval.js";
import { isPlainObject } from "../../core/config-layers.js";
import { LoupeError } from "../../core/errors.js";
import type { RunEvent } from "../../core/events.js";
import type { RunFilter } from "../../core/run-store.js";
import { type StopReason, stopReasons, type Trajectory } from "../../core/trajectory.js";
import { ApiError, badRequest } from "./api-error.js";
import { runChoices } from "./chat-messages.js";
import type { LogEntry } from "./event-log.js";
import { readJson } from "./request-body.js";
import { loadRequestImages, type RequestImage } from "./request-images.js";
import type { ResumeRequest, RunChoices } from "./run-launcher.js";
import { isRunning, type ServedRun } from "./run-registry.js";
import type { ServerContext, ServerEnv } from "./server-app.js";
import { newRunId, runUrl } from "./server-app.js";
import { runEventText, sseBody, sseHeaders } from "./sse-stream.js";

interface RunRequest {
  question: string;
  choices?: string[];
  images: RequestImage[];
  options: RunChoices;
}

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

/** A run request: JSON `{question, images, choices, model, dialect, profile, mode, tools, budgets}` or multipart. */
async function readRunRequest(c: Context): Promise<RunRequest> {
  const type = c.req.header("content-type") ?? "";
  if (/^multipart\/form-data/i.test(type)) return readMultipartRun(c);
  const body = await readJson(c);
  if (!isPlainObject(body)) throw badRequest("invalid-body", "The request body must be a JSON object.");
  const question = body.question;
  if (typeof question !== "string" || !question.trim())
    throw badRequest("invalid-question", "`question` must be non-empty text.", "question");
  const images = body.images ?? [];
  if (!Array.isArray(images) || !images.every((image) => typeof image === "string"))
    throw badRequest("invalid-images", "`images` must be an array of data: or http(s) URLs.", "images");
  return {
    question,
    ...choiceList(body.choices),
    images: images.map((url, index) => ({ url, param: `images[${index}]` })),
    options: runChoices(body),
  };
}

/**
 * Multipart: `question`, any number of `image` files and `images` URL fields, `choices`
 * repeated, and the run options as text fields (`tools` comma-separated, `budgets` as JSON).
 */
async function readMultipartRun(c: Context): Promise<RunRequest> {
  let form: Record<string, unknown>;
  try {
    form = (await c.req.parseBody({ all: true })) as Record<string, unknown>;
  } catch (error) {
    throw badRequest("invalid-body", `The multipart body cannot be read: ${String(error)}.`);
  }
  const all = (name: string): unknown[] => {
    const value = form[name];
    return value === undefined ? [] : Array.isArray(value) ? value : [value];
  };
  const text = (name: string): string | undefined => {
    const value = all(name)[0];
    return typeof value === "string" ? value : undefined;
  };
  const question = text("question");
  if (!question?.trim())
    throw badRequest("invalid-question", "The form needs a `question` field.", "question");
  const images: RequestImage[] = [];
  for (const [index, file] of all("image").entries()) {
    if (!(file instanceof File)) throw badRequest("invalid-images", "`image` fields must be files.", "image");
    images.push({
      bytes: new Uint8Array(await file.arrayBuffer()),
      name: file.name || `image ${index + 1}`,
      param: `image[${index}]`,
    });
  }
  for (const [index, url] of all("images").entries()) {
    if (typeof url !== "string")
      throw badRequest("invalid-images", "`images` fields must be URLs.", "images");
    images.push({ url, param: `images[${index}]` });
  }
  const body: Record<string, unknown> = {};
  for (const name of ["model", "dialect", "profile", "mode"]) {
    const value = text(name);
    if (value !== undefined) body[name] = value;
  }
  const tools = text("tools");
  if (tools !== undefined)
    body.tools = tools
      .split(",")
      .map((name) => name.trim())
      .filter(Boolean);
  const budgets = text("budgets");
  if (budgets !== undefined) {
    try {
      body.budgets = JSON.parse(budgets);
    } catch {
      throw badRequest(
        "invalid-budgets",
        '`budgets` must be a JSON object such as {"maxSteps": 6}.',
        "budgets",
      );
    }
  }
  const choices = all("choices").filter((value): value is string => typeof value === "string");
  return { question, ...(choices.length > 0 ? { choices } : {}), images, options: runChoices(body) };
}

function choiceList(value: unknown): { choices?: string[] } {
  if (value === undefined) return {};
  if (!Array.isArray(value) || !value.every((item) => typeof item === "string"))
    throw badRequest("invalid-choices", "`choices` must be an array of texts.", "choices");
  return { choices: value };
}

/**
 * A resume body: `{"approve": ["call_0"] | "all", "reject": [...] | "all", "reason": "...",
 * "follow_up": "..."}`. A paused run needs a decision for every waiting call (it would only
 * pause again), as `loupe resume` does.
 */
function resumeRequest(body: unknown, trajectory: Trajectory): ResumeRequest {
  if (!isPlainObject(body)) throw badRequest("invalid-body", "The request body must be a JSON object.");
  const waiting = trajectory.stopReason === "paused" ? (trajectory.resume?.awaitingApproval ?? []) : [];
  const ids = (name: string): string[] => {
    const value = body[name];
    if (value === undefined) return [];
    if (value === "all") return waiting;
    if (Array.isArray(value) && value.every((item) => typeof item === "string")) return value;
    throw badRequest("invalid-decisions", `\`${name}\` must be an array of call ids, or "all".`, name);
  };
  const approve = ids("approve");
  const reject = ids("reject");
  const reason = typeof body.reason === "string" ? body.reason : undefined;
  const followUp = body.follow_up ?? body.followUp;
  if (followUp !== undefined && typeof followUp !== "string")
    throw badRequest("invalid-follow-up", "`follow_up` must be text.", "follow_up");
  const request: ResumeRequest = followUp === undefined ? {} : { followUp };
  if (approve.length === 0 && reject.length === 0) {
    if (waiting.length > 0)
      throw new ApiError(
        409,
        "conflict_error",
        "resume-refused",
        `The run is paused: ${waiting.join(", ")} ${waiting.length === 1 ? "waits" : "wait"} for approval. Send "approve" or "reject" with each id (or "all").`,
      );
    return request;
  }
  const decisions: Record<string, ApprovalDecisions[string]> = {};
  for (const id of approve) decisions[id] = { approve: true };
  for (const id of reject) {
    if (decisions[id])
      throw badRequest("invalid-decisions", `${id} is both approved and rejected.`, "reject");
    decisions[id] = { approve: false, ...(reason === undefined ? {} : { reason }) };
  }
  const undecided = waiting.filter((id) => !decisions[id]);
  if (undecided.length > 0)
    throw new ApiError(
      409,
      "conflict_error",
      "resume-refused",
      `No decision for ${undecided.join(", ")}: approve or reject every call that waits.`,
    );
  return { ...request, decisions };
}

/** The RunFilter fields as query parameters (snake_case or camelCase). */
function runFilter(c: Context): RunFilter {
  const query = (names: string[]): string | undefined => {
    for (const name of names) {
      const value = c.req.query(name);
      if (value !== undefined && value !== "") return value;
    }
    return undefined;
  };
  const filter: RunFilter = {};
  const model = query(["model"]);
  if (model) filter.model = model;
  const dialect = query(["dialect"]);
  if (dialect) filter.dialect = dialect;
  const stopReason = query(["stop_reason", "stopReason"]);
  if (stopReason) {
    if (!(stopReasons as readonly string[]).includes(stopReason))
      throw badRequest(
        "invalid-filter",
        `stop_reason must be one of ${stopReasons.join(", ")}.`,
        "stop_reason",
      );
    filter.stopReason = stopReason as StopReason;
  }
  const tool = query(["tool_used", "toolUsed", "tool"]);
  if (tool) filter.toolUsed = tool;
  const text = query(["text", "q"]);
  if (text) filter.text = text;
  for (const name of ["since", "until"] as const) {
    const value = query([name]);
    if (!value) continue;
    if (Number.isNaN(Date.parse(value)))
      throw badRequest(
        "invalid-filter",
        `${name} must be an ISO date or timestamp, got ${JSON.stringify(value)}.`,
        name,
      );
    filter[name] = new Date(value).toISOString();
  }
  const limit = query(["limit"]);
  if (limit) {
    const value = Number(limit);
    if (!Number.isInteger(value) || value < 1)
      throw badRequest("invalid-filter", "limit must be a whole number of runs, at least 1.", "limit");
    filter.limit = value;
  }
  const before = query(["before"]);
  if (before) filter.before = before;
  return filter;
}
