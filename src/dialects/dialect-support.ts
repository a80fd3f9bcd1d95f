import { z } from "zod";
import { decodeNested, readJsonTolerantly } from "../core/tolerant-json.js";
import type { AnyTool, ToolResult } from "../core/tool.js";
import type { ToolOutputData } from "../core/tool-output.js";
import type { ActionError, DialectContext, ToolCallOutcome, ToolCallRequest } from "./dialect.js";
import { optionLetters, type TemplateValues } from "./prompt-pack.js";

/** What reading one action produced: a call to run, or an error the model will read. */
export type ReadAction = ToolCallRequest | ActionError;

export function isActionError(action: ReadAction): action is ActionError {
  return "message" in action;
}

export function hasTool(context: DialectContext, name: string): boolean {
  return context.tools.some((tool) => tool.name === name);
}

/**
 * What the model reads for one call's result when the dialect has no format of its own for that
 * tool: the tool's own rendering of a successful result (Tool.render), else the result's text.
 */
export function defaultResultText(outcome: ToolCallOutcome, context: DialectContext): string {
  const tool = context.tools.find((candidate) => candidate.name === outcome.name);
  return !outcome.result.isError && tool?.render ? tool.render(outcome.result) : outcome.result.text;
}

/** The Loupe names of the tools this run enables, in the run's order. */
export function enabledToolNames(context: DialectContext): string[] {
  return context.tools.map((tool) => tool.name);
}

/** How a dialect's model writes one Loupe tool (R1V4 writes "code" for "python"). */
export interface ToolWording {
  tool: string;
  written: string;
}

/** The model's own names for the tools this run enables, in the dialect's order. */
export function enabledWrittenNames(context: DialectContext, vocabulary: readonly ToolWording[]): string[] {
  return vocabulary.filter((entry) => hasTool(context, entry.tool)).map((entry) => entry.written);
}

/**
 * The error for a tool the model wrote that this run does not offer. `available` names the tools
 * in the model's own vocabulary (R1V4 says "code", Loupe says "python"); `subject` is how the
 * error names what was written.
 */
export function unavailableTool(
  id: string,
  raw: string,
  written: string,
  available: readonly string[],
  subject = `tool "${written}"`,
): ActionError {
  const names = available.length > 0 ? available.join(", ") : "none (answer directly)";
  return {
    id,
    raw,
    name: written,
    message: `Error: the ${subject} is not available. Available tools: ${names}.`,
  };
}

/** The values a prompt pack's templates may use for this run. */
export function templateValues(context: DialectContext): TemplateValues {
  const options = optionLetters(context.choices);
  return {
    question: context.question,
    options,
    options_lines: options.map((option) => `${option.letter}. ${option.text}\n`).join(""),
    tools: Object.fromEntries(context.tools.map((tool) => [tool.name, true])),
    input_images: describeInputImages(context),
  };
}

/** "Options:\nA. ..\nB. ..\n" (with `heading`), or nothing when the question has no options. */
export function optionsBlock(values: TemplateValues, heading = "Options:\n"): string {
  return values.options_lines ? `${heading}${values.options_lines}` : "";
}

/**
 * A tag dialect's system prompt: the introduction, the input images, then each section that
 * applies to this run (`false` for one that does not), line by line.
 */
export function composePrompt(
  introduction: string,
  context: DialectContext,
  sections: readonly (readonly string[] | false)[],
): string {
  return [introduction, describeInputImages(context), ...sections.flatMap((section) => section || [])].join(
    "\n",
  );
}

/** "image_1 (4240x2700), image_2 (800x600)" for system prompts. */
export function describeInputImages(context: DialectContext): string {
  const inputs = context.images.list().filter((image) => image.provenance.kind === "input");
  if (inputs.length === 0) return "There are no input images.";
  const names = inputs.map((image) => `${image.label} (${image.width}x${image.height} pixels)`).join(", ");
  return `The input images, in order: ${names}.`;
}

/** The JSON schema of a tool's arguments, for native specs and prompts; never throws. */
export function toolJsonSchema(tool: AnyTool): Record<string, unknown> {
  try {
    const schema = z.toJSONSchema(tool.parameters, { io: "input", unrepresentable: "any" }) as Record<
      string,
      unknown
    >;
    const { $schema: _ignored, ...rest } = schema;
    return rest;
  } catch {
    return { type: "object" };
  }
}

type CodeData = Extract<ToolOutputData, { kind: "code" }>;

/** Printed output, last value and error of a code run, as one text (stderr kept apart by callers). */
export function codeOutputText(data: CodeData): string {
  const pieces: string[] = [];
  if (data.restarted) pieces.push("[The Python session was restarted; earlier variables are gone.]");
  if (data.stdout.trim()) pieces.push(data.stdout.replace(/\n+$/, ""));
  if (data.result !== undefined) pieces.push(data.result);
  if (data.error?.trim()) pieces.push(data.error.replace(/\n+$/, ""));
  return pieces.join("\n");
}

/** Coerces what a model wrote for a list of strings: one string, a list, numbers. */
export function asStringList(value: unknown): string[] | undefined {
  if (typeof value === "string") return value.trim() ? [value.trim()] : undefined;
  if (typeof value === "number") return [String(value)];
  if (!Array.isArray(value)) return undefined;
  const strings = value
    .filter((item) => typeof item === "string" || typeof item === "number")
    .map((item) => String(item).trim())
    .filter((item) => item !== "");
  return strings.length > 0 ? strings : undefined;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The `{name, arguments}` object most tag dialects put inside their call tag. */
export interface WrittenCall {
  name: string;
  arguments: Record<string, unknown>;
}

/**
 * Accepts `{"name", "arguments"}`, `{"name", "parameters"}`, `{"function": {...}}` and arguments
 * given as a JSON string; returns an explanation when the object has no usable name.
 */
export function readWrittenCall(value: unknown): WrittenCall | string {
  const object = isRecord(value) && isRecord(value.function) ? value.function : value;
  if (!isRecord(object)) return "the call must be a JSON object with a name and arguments";
  const name = object.name ?? object.tool ?? object.tool_name;
  if (typeof name !== "string" || name.trim() === "") return 'the call has no "name"';
  const rawArguments = object.arguments ?? object.parameters ?? object.args ?? {};
  const decoded =
    typeof rawArguments === "string"
      ? rawArguments.trim() === ""
        ? {}
        : decodeNested(rawArguments)
      : rawArguments;
  if (!isRecord(decoded)) return `the arguments of ${name} must be a JSON object`;
  return { name: name.trim(), arguments: decoded };
}

/** Reads the `{"name", "arguments"}` JSON inside a call tag; a string explains what is wrong. */
export function readCallTagBody(body: string): WrittenCall | string {
  const json = readJsonTolerantly(body);
  return json.ok ? readWrittenCall(json.value) : `the JSON could not be read (${json.message})`;
}

/** Shortens very long raw text kept in errors, so a runaway output does not bloat observations. */
export function clip(text: string, limit = 2000): string {
  return text.length <= limit ? text : `${text.slice(0, limit)}… [${text.length - limit} more characters]`;
}

/**
 * The call, or an error in the model's own words when the enabled tool's schema refuses the
 * arguments the dialect built from what the model wrote (six queries where the tool takes five,
 * a blank URL). The limits live in the tool; `wording` renames Loupe's argument keys to the
 * model's (R1V4 writes "image_paths" where Loupe says "images").
 */
export function checkedCall(
  call: ToolCallRequest,
  context: DialectContext,
  written: string = call.name,
  wording: Readonly<Record<string, string>> = {},
): ReadAction {
  const tool = context.tools.find((candidate) => candidate.name === call.name);
  const checked = tool?.parameters.safeParse(call.arguments);
  if (!checked || checked.success) return call;
  const problems = checked.error.issues.map((issue) => {
    const key = issue.path.map((part) => wording[String(part)] ?? String(part)).join(".");
    return `${key || "arguments"}: ${issue.message}`;
  });
  return {
    id: call.id,
    raw: call.raw,
    name: call.name,
    message: `Error: invalid arguments for ${written}: ${problems.join("; ")}.`,
  };
}

/** What a result says besides its hits, for dialects that render hits from ToolResult.data. */
export interface ResultRemarks {
  /** The tool's notes: a provider that failed and the one used instead, a page refused, ... */
  notes: string[];
  /** The tool's own text when the call failed, which says what went wrong. */
  error?: string;
}

/**
 * The notes and the error of a result, so a dialect that shows only the hits does not hide why
 * there are none. Notes the error text already contains are not repeated.
 */
export function resultRemarks(result: ToolResult): ResultRemarks {
  const error = result.isError && result.text.trim() ? clip(result.text.trim(), 4000) : undefined;
  const data = result.data;
  const notes = (data && "notes" in data ? (data.notes ?? []) : []).filter((note) => !error?.includes(note));
  return error === undefined ? { notes } : { notes, error };
}
