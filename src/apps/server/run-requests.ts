import type { Context } from "hono";
import type { ApprovalDecisions } from "../../agent/tool-approval.js";
import { isPlainObject } from "../../core/config-layers.js";
import type { RunFilter } from "../../core/run-store.js";
import { type StopReason, stopReasons, type Trajectory } from "../../core/trajectory.js";
import { ApiError, badRequest } from "./api-error.js";
import { runChoices } from "./chat-messages.js";
import { readJson } from "./request-body.js";
import type { RequestImage } from "./request-images.js";
import type { ResumeRequest, RunChoices } from "./run-launcher.js";

/** What the run API reads from requests: a new run, a resume, a listing's filter. */

export interface RunRequest {
  question: string;
  choices?: string[];
  images: RequestImage[];
  options: RunChoices;
}

/** A run request: JSON `{question, images, choices, model, dialect, profile, mode, tools, budgets}` or multipart. */
export async function readRunRequest(c: Context): Promise<RunRequest> {
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
export function resumeRequest(body: unknown, trajectory: Trajectory): ResumeRequest {
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
export function runFilter(c: Context): RunFilter {
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
