/**
 * Stops a model that keeps issuing the same action: identical tool and arguments (key order
 * ignored) may run `maxRepeats` times; later copies are refused with an observation instead.
 */
export class RepeatGuard {
  readonly #counts = new Map<string, number>();
  readonly #maxRepeats: number;
  /** How many calls this guard refused; the loop ends the run after the second refusal. */
  refusals = 0;

  /** `restored`: the counts and refusals of a checkpointed run, so a resumed run remembers its actions. */
  constructor(maxRepeats: number, restored?: { repeats: readonly [string, number][]; refusals: number }) {
    this.#maxRepeats = maxRepeats;
    if (restored) {
      for (const [key, count] of restored.repeats) this.#counts.set(key, count);
      this.refusals = restored.refusals;
    }
  }

  /** Every action seen with its count, for a checkpoint. */
  entries(): [string, number][] {
    return [...this.#counts];
  }

  /** Registers the call and says whether it may run. */
  allow(tool: string, args: unknown): boolean {
    const key = `${tool}\u0000${stableStringify(args)}`;
    const count = (this.#counts.get(key) ?? 0) + 1;
    this.#counts.set(key, count);
    if (count <= this.#maxRepeats) return true;
    this.refusals += 1;
    return false;
  }
}

export function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${stableStringify(item)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}
