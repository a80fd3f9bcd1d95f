import { replayEvents } from "../../agent/replay-events.js";
import type { RunEvent } from "../../core/events.js";
import type { TokenUsage } from "../../core/model-output.js";
import type { StopReason, Trajectory } from "../../core/trajectory.js";
import { ApiError } from "./api-error.js";
import type { ServedRun } from "./run-registry.js";

/** Where a chat completion's run can be found: its id and its URL on this server. */
export interface RunLink {
  run_id: string;
  run_url: string;
}

/** Characters of a tool's result shown in the reasoning; the run's events have all of it. */
const observationPreviewChars = 300;

/**
 * What the steps of a run read like in `reasoning_content` (decision 1017): the model's
 * reasoning as it streams, its text once the step shows what the text was (a step that calls
 * tools or is followed by another: all of it; the answering step: what is left without the
 * answer, such as a dialect's <think> part), and one short line per tool call and per
 * observation. The answer itself is the message's `content`, never repeated here.
 */
export class ReasoningWriter {
  #heldText = "";
  #lastWasReasoning = false;

  /** The reasoning text this event adds now ("" for none). */
  write(event: RunEvent): string {
    switch (event.type) {
      case "reasoning-delta":
        this.#lastWasReasoning = true;
        return event.text;
      case "text-delta":
        this.#heldText += event.text;
        return "";
      case "step-start": {
        const held = this.#flush();
        return event.step > 1 ? `${held}\n\n` : held;
      }
      case "tool-call-start":
        return `${this.#flush()}\n→ ${event.tool}(${oneLine(JSON.stringify(event.arguments) ?? "", 200)})\n`;
      case "tool-call-end": {
        const count = event.images.length;
        const images = count > 0 ? ` [+${count} image${count === 1 ? "" : "s"}]` : "";
        const verb = event.isError ? "failed" : "returned";
        return `← ${event.tool} ${verb}${images}: ${oneLine(event.text, observationPreviewChars)}\n`;
      }
      case "answer": {
        const rest = this.#heldText.replace(event.answer, "").replace(/<answer>\s*<\/answer>/g, "");
        this.#heldText = rest.trim() ? rest : "";
        return this.#flush();
      }
      case "run-end":
        return this.#flush();
      case "error":
        return event.retrying ? `\n(model error, retrying: ${event.message})\n` : "";
      default:
        return "";
    }
  }

  /** The held text of the step, after the reasoning with a line between them. */
  #flush(): string {
    const text = this.#heldText;
    this.#heldText = "";
    if (!text.trim()) return "";
    const separator = this.#lastWasReasoning ? "\n" : "";
    this.#lastWasReasoning = false;
    return `${separator}${text}`;
  }
}

function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}

/** OpenAI's finish_reason for how the run ended: `length` when a budget ended it without an answer. */
function finishReason(stopReason: StopReason, answered: boolean): "stop" | "length" {
  if (answered) return "stop";
  return stopReason.startsWith("budget-") ? "length" : "stop";
}

function usageOf(usage: TokenUsage) {
  return {
    prompt_tokens: usage.promptTokens,
    completion_tokens: usage.completionTokens,
    total_tokens: usage.promptTokens + usage.completionTokens,
    ...(usage.cachedPromptTokens === undefined
      ? {}
      : { prompt_tokens_details: { cached_tokens: usage.cachedPromptTokens } }),
  };
}

/** A run that ended in error without an answer is the model server's failure (or ours): a 502 naming it. */
export function runFailure(trajectory: Trajectory, link: RunLink): ApiError | undefined {
  if (trajectory.answer !== undefined || trajectory.stopReason !== "error") return undefined;
  const error = trajectory.error ?? { code: "internal", message: "The run failed." };
  return new ApiError(
    502,
    "upstream_error",
    error.code,
    `The run failed: ${error.message} (run ${link.run_id}: ${link.run_url})`,
  );
}

/** The whole chat.completion for a finished run. */
export function completionBody(run: ServedRun, trajectory: Trajectory, model: string, link: RunLink) {
  const writer = new ReasoningWriter();
  const reasoning = [...replayEvents(trajectory, run.images)]
    .map((event) => writer.write(event))
    .join("")
    .trim();
  const answered = trajectory.answer !== undefined;
  return {
    id: `chatcmpl-${run.id}`,
    object: "chat.completion",
    created: Math.floor(Date.parse(trajectory.createdAt) / 1000),
    model,
    choices: [
      {
        index: 0,
        message: {
          role: "assistant",
          content: trajectory.answer ?? "",
          ...(reasoning ? { reasoning_content: reasoning } : {}),
        },
        finish_reason: finishReason(trajectory.stopReason, answered),
      },
    ],
    usage: usageOf(trajectory.budgetsUsed.usage),
    loupe: { ...link, stop_reason: trajectory.stopReason, steps: trajectory.budgetsUsed.steps },
  };
}

/**
 * The chat.completion.chunk stream of a run, as SSE `data:` lines: the steps as
 * `reasoning_content` deltas while they happen, the answer as `content`, the finish reason, the
 * usage (with `stream_options.include_usage`), then `[DONE]`. A run that fails without an answer
 * ends with an `error` object, which OpenAI's clients raise as an APIError.
 */
export async function* completionChunks(
  run: ServedRun,
  options: { model: string; link: RunLink; includeUsage: boolean; signal: AbortSignal },
): AsyncGenerator<string> {
  const created = Math.floor(Date.now() / 1000);
  const chunk = (delta: Record<string, unknown>, finish: string | null = null, extra: object = {}) =>
    `data: ${JSON.stringify({
      id: `chatcmpl-${run.id}`,
      object: "chat.completion.chunk",
      created,
      model: options.model,
      choices: [{ index: 0, delta, finish_reason: finish }],
      ...extra,
    })}\n\n`;
  yield chunk({ role: "assistant", content: "" }, null, { loupe: options.link });
  const writer = new ReasoningWriter();
  let answered = false;
  let failure: { code: string; message: string } | undefined;
  for await (const entry of run.log.follow(0, options.signal)) {
    if ("missed" in entry) continue;
    const { event } = entry;
    const reasoning = writer.write(event);
    if (reasoning) yield chunk({ reasoning_content: reasoning });
    if (event.type === "error" && !event.retrying) failure = { code: event.code, message: event.message };
    if (event.type === "answer") {
      answered = true;
      yield chunk({ content: event.answer });
    }
    if (event.type !== "run-end") continue;
    if (!answered && event.stopReason === "error") {
      const message = `The run failed: ${failure?.message ?? "unknown error"} (run ${options.link.run_id}: ${options.link.run_url})`;
      yield `data: ${JSON.stringify({ error: { message, type: "upstream_error", code: failure?.code ?? "internal", param: null } })}\n\n`;
      yield "data: [DONE]\n\n";
      return;
    }
    yield chunk({}, finishReason(event.stopReason, answered), {
      loupe: { ...options.link, stop_reason: event.stopReason },
    });
    if (options.includeUsage)
      yield `data: ${JSON.stringify({
        id: `chatcmpl-${run.id}`,
        object: "chat.completion.chunk",
        created,
        model: options.model,
        choices: [],
        usage: usageOf(event.usage),
      })}\n\n`;
    yield "data: [DONE]\n\n";
    return;
  }
}
