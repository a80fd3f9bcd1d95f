import { describeError, isLoupeError } from "../core/errors.js";
import type { RunEventListener } from "../core/events.js";
import type { ImageSet } from "../core/image-set.js";
import type { AnyTool, RunImageView, ToolContext, ToolResult } from "../core/tool.js";
import { createToolContext } from "../core/tool-context.js";
import type { ToolCallRequest } from "../dialects/dialect.js";

export interface ExecutedCall {
  call: ToolCallRequest;
  result: ToolResult;
  durationMs: number;
}

export interface ToolExecutorOptions {
  tools: readonly AnyTool[];
  images: ImageSet;
  question: string;
  view: RunImageView;
  state: Map<string, unknown>;
  /** Adds tokens a call spent on a model (page summaries) to the run's own usage. */
  reportUsage: ToolContext["reportUsage"];
  /** Stops the call: fires when the user cancels the run or when its time budget runs out. */
  signal: AbortSignal;
  /** The user's cancellation alone, to tell it apart from the time budget. */
  userSignal: AbortSignal;
  emit: RunEventListener;
}

export function errorResult(text: string): ToolResult {
  return { text, images: [], isError: true };
}

/** The observation of a call the run's cancellation stopped or kept from starting. */
export function cancelledResult(): ToolResult {
  return errorResult("Cancelled: the run was interrupted before this call finished.");
}

/** The observation of a call the run's time budget stopped or kept from starting. */
export function timeUpResult(): ToolResult {
  return errorResult("Stopped: the run's time budget ran out before this call finished.");
}

/** The observation of a call stopped by `signal`: cancelled by the user, or out of time. */
export function interruptedResult(userSignal: AbortSignal): ToolResult {
  return userSignal.aborted ? cancelledResult() : timeUpResult();
}

/**
 * Announces a call that was answered without running (a budget or the repeat guard refused it),
 * so a live view shows the same calls and observations as the trajectory and its replay.
 */
export function reportSkippedCall(
  call: ToolCallRequest,
  step: number,
  result: ToolResult,
  emit: RunEventListener,
): ExecutedCall {
  emit({ type: "tool-call-start", step, callId: call.id, tool: call.name, arguments: call.arguments });
  emit({
    type: "tool-call-end",
    step,
    callId: call.id,
    tool: call.name,
    text: result.text,
    images: result.images,
    isError: result.isError === true,
    durationMs: 0,
  });
  return { call, result, durationMs: 0 };
}

/**
 * Runs one parsed call: validates its arguments against the tool's schema, executes it, and turns
 * every failure into an error observation the model can read. Never throws: a call stopped by the
 * run's cancellation or its time budget gets an observation saying so, so the interrupted step is
 * still recorded.
 */
export async function executeToolCall(
  call: ToolCallRequest,
  step: number,
  options: ToolExecutorOptions,
): Promise<ExecutedCall> {
  const startedAt = performance.now();
  options.emit({
    type: "tool-call-start",
    step,
    callId: call.id,
    tool: call.name,
    arguments: call.arguments,
  });
  const result = await runTool(call, step, options);
  const durationMs = performance.now() - startedAt;
  options.emit({
    type: "tool-call-end",
    step,
    callId: call.id,
    tool: call.name,
    text: result.text,
    images: result.images,
    isError: result.isError === true,
    durationMs,
  });
  return { call, result, durationMs };
}

async function runTool(
  call: ToolCallRequest,
  step: number,
  options: ToolExecutorOptions,
): Promise<ToolResult> {
  const tool = options.tools.find((candidate) => candidate.name === call.name);
  if (!tool) {
    const names = options.tools.map((candidate) => candidate.name).join(", ") || "none";
    return errorResult(`Error: there is no tool named "${call.name}". Available tools: ${names}.`);
  }
  const parsed = tool.parameters.safeParse(call.arguments ?? {});
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((issue) => `${issue.path.join(".") || "arguments"}: ${issue.message}`)
      .join("; ");
    return errorResult(`Error: invalid arguments for ${call.name}: ${problems}.`);
  }
  const context = createToolContext({
    tool: tool.name,
    callId: call.id,
    step,
    images: options.images,
    state: options.state,
    signal: options.signal,
    question: options.question,
    view: options.view,
    reportUsage: options.reportUsage,
  });
  try {
    return await untilAborted(tool.execute(parsed.data, context), options.signal);
  } catch (error) {
    if (options.signal.aborted) return interruptedResult(options.userSignal);
    const prefix = isLoupeError(error) ? "Error" : `Error: ${call.name} failed`;
    return errorResult(`${prefix}: ${describeError(error)}`);
  }
}

/**
 * Settles with `work`, or rejects as soon as `signal` fires: a tool that ignores its signal cannot
 * hold the run past a cancellation or the time budget. What it still does is released by its
 * dispose at the end of the run; its late result or error is dropped.
 */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) onAbort();
    else signal.addEventListener("abort", onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}
