import { decodeNested, readJsonTolerantly } from "../../core/tolerant-json.js";
import { type PlanStepInput, planStepSchema } from "./plan-format.js";

export type PlanParseResult =
  | { ok: true; steps: PlanStepInput[]; reasoning?: string }
  | { ok: false; message: string; reasoning?: string };

/**
 * Reads a planner's reply in every shape R1V4's planner is seen to write it: the JSON array alone
 * (the format its system prompt asks for), a `<think>` block then the array, the array inside a
 * `<plan>` wrapper or a code fence, an object `{"steps": [...]}` (structured output), or, as in
 * the paper's Figure 4, a numbered list `1. Step 1(image_search): ... image_path = "..."`.
 * A step's parameters given as a JSON string are decoded again. JSON goes through the one
 * tolerant reader (core/tolerant-json.ts). Never throws: a reply that is no plan says why.
 */
export function parsePlan(reply: string, reasoning?: string): PlanParseResult {
  const { body, thought } = splitThink(reply);
  const allReasoning = [reasoning, thought].filter(Boolean).join("\n") || undefined;
  const text = planWrapperContent(body) ?? body;
  const fromJson = jsonSteps(text);
  if (fromJson.ok) return { ...fromJson, reasoning: allReasoning };
  const listed = numberedListSteps(text);
  if (listed.length > 0) return { ok: true, steps: listed, reasoning: allReasoning };
  // A model that put its plan only inside the think block (or wrote no closing tag).
  if (thought) {
    const inThought = jsonSteps(thought);
    if (inThought.ok) return { ...inThought, reasoning: allReasoning };
  }
  return { ok: false, message: fromJson.message, reasoning: allReasoning };
}

/** The reply without its leading <think>...</think> block (an unclosed one is all thought). */
function splitThink(reply: string): { body: string; thought?: string } {
  const match = /^\s*<think>([\s\S]*?)(?:<\/think>|$)/i.exec(reply);
  if (!match) return { body: reply };
  return { body: reply.slice(match[0].length), thought: match[1]?.trim() };
}

function planWrapperContent(text: string): string | undefined {
  return /<plan>([\s\S]*?)(?:<\/plan>|$)/i.exec(text)?.[1];
}

function jsonSteps(text: string): { ok: true; steps: PlanStepInput[] } | { ok: false; message: string } {
  // The array of step objects: starting at "[ {" skips placeholders such as "[Person from Step 1]".
  const arrayStart = text.search(/\[\s*\{/);
  const objectStart = text.search(/\{\s*["'\u201c]?steps["'\u201d]?\s*:/);
  const starts = [objectStart, arrayStart].filter((start) => start >= 0);
  if (starts.length === 0) return { ok: false, message: "it holds no JSON array of steps" };
  const read = readJsonTolerantly(text.slice(Math.min(...starts)));
  if (!read.ok) return { ok: false, message: `its JSON cannot be read (${read.message})` };
  const list = stepList(read.value);
  if (!list) return { ok: false, message: "its JSON is not an array of step objects" };
  const steps: PlanStepInput[] = [];
  for (const [index, item] of list.entries()) {
    const parsed = planStepSchema.safeParse(normalizeStep(item));
    if (!parsed.success) {
      const problems = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
      return { ok: false, message: `step ${index + 1} is not a step (${problems.join("; ")})` };
    }
    steps.push(parsed.data);
  }
  return { ok: true, steps };
}

function stepList(value: unknown): unknown[] | undefined {
  if (Array.isArray(value)) return value;
  if (value && typeof value === "object") {
    const record = value as Record<string, unknown>;
    for (const key of ["steps", "plan"]) if (Array.isArray(record[key])) return record[key] as unknown[];
  }
  return undefined;
}

/** Field spellings planners use besides the paper's, and parameters written as a JSON string. */
function normalizeStep(item: unknown): unknown {
  if (!item || typeof item !== "object") return item;
  const record = item as Record<string, unknown>;
  const parameters = decodeNested(record.parameters ?? record.arguments ?? record.params ?? {});
  const dependsOn = record.depends_on ?? record.dependencies;
  return {
    description: record.description ?? record.step ?? record.task,
    tool_name: normalizeToolName(record.tool_name ?? record.tool ?? record.name),
    parameters: parameters === null || parameters === "" ? {} : parameters,
    ...(Array.isArray(dependsOn) ? { depends_on: dependsOn.map(Number).filter(Number.isInteger) } : {}),
  };
}

/** "Image_Search", "image _search" (a PDF's spacing), `"none"` → image_search, none. */
export function normalizeToolName(name: unknown): unknown {
  if (typeof name !== "string") return name;
  return name
    .trim()
    .replace(/^["'\u201c\u2018]|["'\u201d\u2019]$/g, "")
    .replace(/\s+/g, "")
    .toLowerCase();
}

/** `1. Step 1(image_search): ...`, `Step 2 (text_search): ...`: the step's number, tool and body. */
const listedStepStart =
  /^[^\S\n]*(?:\d{1,3}[.)][^\S\n]*)?\**Step[^\S\n]*(\d{1,3})\**[^\S\n]*\(([^)\n]{1,40})\)[^\S\n]*:?/gim;

/** `image_path = "image path"`, `query = "[Person identified in Step 1] team ..."` (may wrap lines). */
const assignment = /([A-Za-z_]\w*(?: _\w+)*)\s*=\s*["\u201c]([\s\S]*?)["\u201d]/g;

/**
 * The numbered-list shape of the paper's Figure 4. Each step's body runs to the next step; its
 * `key = "value"` pairs are the parameters, the text before the first one the description.
 * Line breaks inside a value are spaces (the figure wraps long queries).
 */
function numberedListSteps(text: string): PlanStepInput[] {
  const starts = [...text.matchAll(listedStepStart)];
  const steps: PlanStepInput[] = [];
  for (const [index, start] of starts.entries()) {
    const bodyStart = (start.index ?? 0) + start[0].length;
    const bodyEnd = starts[index + 1]?.index ?? text.length;
    const body = text.slice(bodyStart, bodyEnd);
    const parameters: Record<string, unknown> = {};
    let descriptionEnd = body.length;
    for (const match of body.matchAll(assignment)) {
      descriptionEnd = Math.min(descriptionEnd, match.index ?? body.length);
      const key = (match[1] ?? "").replace(/\s+/g, "");
      parameters[key] = collapse(match[2] ?? "");
    }
    const description = collapse(body.slice(0, descriptionEnd));
    const parsed = planStepSchema.safeParse({
      description: description || `Step ${start[1]}`,
      tool_name: normalizeToolName(start[2]),
      parameters,
    });
    if (parsed.success) steps.push(parsed.data);
  }
  return steps;
}

function collapse(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}
