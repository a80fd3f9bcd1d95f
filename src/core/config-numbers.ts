import { z } from "zod";

/**
 * The kinds of number a user configures, each with the range the code that consumes it accepts.
 * Every numeric field of the config (core/config.ts, core/search-config.ts) and every numeric CLI
 * flag is one of these, so a value the code cannot honour (a timer Node would fire at once, half
 * a process) is refused when the config is read, with a message the field's path is put before
 * ("budgets.maxWallMs: must be at most 2147483647 ms (about 24.8 days), got 3000000000").
 */

/**
 * The longest delay Node's timers take (a signed 32-bit count of milliseconds). A longer
 * setTimeout or AbortSignal.timeout fires after 1 ms instead: every request would time out at once.
 */
export const maxTimerMs = 2 ** 31 - 1;

/**
 * The most bytes Node reads into one buffer at once (fs.readFile's limit); sizes of things read
 * whole into memory (an input image, a fetched page) are capped here.
 */
export const maxBufferBytes = 2 ** 31 - 1;

/** A number's range: inclusive bounds, with a unit for the message ("ms", "bytes"). */
interface Range {
  min: number;
  max: number;
  /** The minimum itself is excluded (a probability above 0). */
  minExclusive?: boolean;
  unit?: string;
}

/** A number in a range: temperatures, probabilities, rates. */
export function numberBetween(range: Range): z.ZodNumber {
  return bounded(number(), range);
}

/** A whole number of things (steps, retries, processes, pixels, characters), at least `min` (1). */
export function count(range: Partial<Range> = {}): z.ZodNumber {
  return bounded(wholeNumber(), { min: 1, max: Number.MAX_SAFE_INTEGER, ...range });
}

/** A size in bytes: whole, at least `min` (1). */
export function bytes(range: Partial<Range> = {}): z.ZodNumber {
  return bounded(wholeNumber(), { min: 1, max: Number.MAX_SAFE_INTEGER, unit: "bytes", ...range });
}

/** A delay in milliseconds that ends up in a Node timer: 1 ≤ ms ≤ 2^31-1 (about 24.8 days). */
export function milliseconds(): z.ZodNumber {
  return bounded(wholeNumber(), { min: 1, max: maxTimerMs, unit: "ms" });
}

/**
 * A delay in seconds (fractions allowed) that ends up in a Node timer once multiplied by 1000:
 * from 1 ms to 2^31-1 ms.
 */
export function timerSeconds(): z.ZodNumber {
  return bounded(number(), { min: 0.001, max: maxTimerMs / 1000, unit: "seconds" });
}

/** A whole number of seconds that is not a timer (a kernel CPU limit, a cache entry's lifetime). */
export function wholeSeconds(range: Partial<Range> = {}): z.ZodNumber {
  return bounded(wholeNumber(), { min: 1, max: Number.MAX_SAFE_INTEGER, unit: "seconds", ...range });
}

function number(): z.ZodNumber {
  return z.number({
    error: (issue) =>
      issue.input === undefined
        ? "is required"
        : typeof issue.input === "number"
          ? `must be a finite number, got ${issue.input}`
          : `must be a number, got ${describeInput(issue.input)}`,
  });
}

function wholeNumber(): z.ZodNumber {
  return number().int({
    // zod's int() also refuses whole numbers too large to be exact in JavaScript.
    error: (issue) =>
      Number.isInteger(issue.input)
        ? `must be at most ${Number.MAX_SAFE_INTEGER}, got ${String(issue.input)}`
        : `must be a whole number, got ${String(issue.input)}`,
  });
}

function bounded(schema: z.ZodNumber, range: Range): z.ZodNumber {
  const unit = range.unit ? ` ${range.unit}` : "";
  const atLeast = range.minExclusive ? "above" : "at least";
  const tooSmall = (issue: { input: unknown }) =>
    `must be ${atLeast} ${range.min}${unit}, got ${String(issue.input)}`;
  const tooLarge = (issue: { input: unknown }) =>
    `must be at most ${range.max}${unit}${roughly(range)}, got ${String(issue.input)}`;
  const withMin = range.minExclusive
    ? schema.gt(range.min, { error: tooSmall })
    : schema.min(range.min, { error: tooSmall });
  return withMin.max(range.max, { error: tooLarge });
}

/** The bound in words where the raw number says little: "(about 24.8 days)", "(2 GiB)". */
function roughly(range: Range): string {
  if (range.unit === "ms") return ` (${aboutDuration(range.max / 1000)})`;
  if (range.unit === "seconds" && range.max >= 3600) return ` (${aboutDuration(range.max)})`;
  if (range.unit === "bytes" && range.max >= 1024 ** 3 && range.max < Number.MAX_SAFE_INTEGER)
    return ` (about ${Math.round(range.max / 1024 ** 3)} GiB)`;
  return "";
}

function aboutDuration(seconds: number): string {
  // Rounded down, so "about" never promises more than the limit.
  const tenths = (value: number) => Math.floor(value * 10) / 10;
  const days = seconds / 86_400;
  if (days >= 365) return `about ${tenths(days / 365)} years`;
  if (days >= 1) return `about ${tenths(days)} days`;
  return `about ${tenths(seconds / 3600)} hours`;
}

function describeInput(input: unknown): string {
  if (input === null) return "null";
  if (Array.isArray(input)) return "a list";
  if (typeof input === "string") return `the text ${JSON.stringify(input.slice(0, 40))}`;
  return `a ${typeof input}`;
}
