import type { PlanStep } from "./plan-format.js";

/**
 * Placeholders as R1V4's planner writes them: a bracketed phrase naming an earlier step,
 * "[Person identified in Step 1]", "[URL from Step 3 containing team statistics]",
 * "[Result retrieved from Step 4]". The step number is the first "Step N" inside the brackets.
 */
const placeholderPattern = /\[([^[\]\n]{0,200}?\bstep\s*(\d{1,3})\b[^[\]\n]{0,200}?)\]/gi;

export interface Placeholder {
  /** The whole bracketed text, brackets included, as it appears in the step. */
  text: string;
  step: number;
}

export function placeholdersIn(text: string): Placeholder[] {
  const found: Placeholder[] = [];
  for (const match of text.matchAll(placeholderPattern)) {
    found.push({ text: match[0], step: Number(match[2]) });
  }
  return found;
}

/** Every placeholder in a value: strings, and strings inside arrays and objects. */
export function placeholdersInValue(value: unknown): Placeholder[] {
  if (typeof value === "string") return placeholdersIn(value);
  if (Array.isArray(value)) return value.flatMap(placeholdersInValue);
  if (value && typeof value === "object") return Object.values(value).flatMap(placeholdersInValue);
  return [];
}

/** The steps a step needs: those its description and parameters name, and its explicit list. */
export function dependenciesOf(
  description: string,
  parameters: Record<string, unknown>,
  explicit: readonly number[] = [],
): number[] {
  const numbers = [
    ...placeholdersIn(description).map((placeholder) => placeholder.step),
    ...placeholdersInValue(parameters).map((placeholder) => placeholder.step),
    ...explicit,
  ];
  return [...new Set(numbers)].sort((a, b) => a - b);
}

/** The value with each placeholder replaced by its resolved text (unknown ones left as written). */
export function fillPlaceholders(value: unknown, resolved: ReadonlyMap<string, string>): unknown {
  if (typeof value === "string") {
    // A string that is only a placeholder becomes the value itself; one inside text is spliced in.
    const whole = resolved.get(value.trim());
    if (whole !== undefined) return whole;
    return value.replace(placeholderPattern, (text) => resolved.get(text) ?? text);
  }
  if (Array.isArray(value)) return value.map((item) => fillPlaceholders(item, resolved));
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, fillPlaceholders(item, resolved)]),
    );
  }
  return value;
}

/** The distinct placeholders a step's parameters need resolved before its tool can run. */
export function parameterPlaceholders(step: PlanStep): Placeholder[] {
  const seen = new Map<string, Placeholder>();
  for (const placeholder of placeholdersInValue(step.parameters)) seen.set(placeholder.text, placeholder);
  return [...seen.values()];
}
