import { LoupeError } from "./errors.js";

/**
 * Named entries that library code adds at run time (dialects, tools, search backends, prompt
 * packs, profiles). Built-in entries are registered the same way, so a listing, a config check
 * and an error message all read one source. Names are unique: registering a taken name is an
 * error unless `replace` says the caller means it.
 */
export class Registry<T> {
  readonly #entries = new Map<string, T>();

  /** `kind` names the entries in errors: "dialect", "tool", "search backend". */
  constructor(readonly kind: string) {}

  register(name: string, entry: T, options: { replace?: boolean } = {}): void {
    if (name.trim() === "" || name !== name.trim()) {
      throw new LoupeError("config", `A ${this.kind} name must be non-empty, without surrounding spaces.`);
    }
    if (this.#entries.has(name) && !options.replace) {
      throw new LoupeError(
        "config",
        `A ${this.kind} named "${name}" is already registered; pass { replace: true } to replace it.`,
      );
    }
    this.#entries.set(name, entry);
  }

  has(name: string): boolean {
    return this.#entries.has(name);
  }

  get(name: string): T | undefined {
    return this.#entries.get(name);
  }

  /** The entry, or a configuration error that lists every registered name. */
  require(name: string): T {
    const entry = this.#entries.get(name);
    if (entry === undefined) {
      const message = this.unknownMessage(name);
      throw new LoupeError("config", `${message[0]!.toUpperCase()}${message.slice(1)}`);
    }
    return entry;
  }

  /** Registration order: built-ins first, in the order their listings show them. */
  names(): string[] {
    return [...this.#entries.keys()];
  }

  entries(): [string, T][] {
    return [...this.#entries.entries()];
  }

  /** "unknown dialect "x". Registered dialects: ..." (lower case: it follows a field name and a colon). */
  unknownMessage(name: string): string {
    const names = this.names();
    return `unknown ${this.kind} "${name}". Registered ${this.kind}s: ${names.length > 0 ? names.join(", ") : "none"}.`;
  }
}
