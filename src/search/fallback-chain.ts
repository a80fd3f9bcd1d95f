import { describeError, isLoupeError, LoupeError } from "../core/errors.js";
import type { SearchBackend } from "./backend.js";

/** What a search returned, which backend answered, and what went wrong on the way. */
export interface SearchOutcome<T> {
  value: T;
  backend: string;
  /** For the observation: "serper failed: HTTP 500 ...; used brave". Empty when the first backend answered. */
  notes: string[];
}

/**
 * Tries each backend in order; a failure moves on to the next and is remembered for the note.
 * `attempt` returns undefined when the backend has no answer (a page not in the local index):
 * that moves on too, without a failure note. An empty list moves on with a note ("local found
 * nothing"), and is returned if no later backend finds more. When every backend fails the error
 * lists them all.
 */
export async function runFallbackChain<T>(
  backends: readonly SearchBackend[],
  what: string,
  attempt: (backend: SearchBackend) => Promise<T | undefined>,
): Promise<SearchOutcome<T>> {
  if (backends.length === 0) {
    throw new LoupeError("config", `No configured search backend can ${what}.`, {
      hint: "Add one to search.backends in the config; see docs/search.md.",
    });
  }
  const failures: string[] = [];
  let empty: { value: T; backend: string } | undefined;
  for (const backend of backends) {
    try {
      const value = await attempt(backend);
      if (value === undefined) continue;
      if (Array.isArray(value) && value.length === 0) {
        empty ??= { value, backend: backend.name };
        failures.push(`${backend.name} found nothing`);
        continue;
      }
      const notes = failures.length > 0 ? [`${failures.join("; ")}; used ${backend.name}`] : [];
      return { value, backend: backend.name, notes };
    } catch (error) {
      if (isLoupeError(error) && error.code === "cancelled") throw error;
      failures.push(`${backend.name} failed: ${failureDetail(backend.name, error)}`);
    }
  }
  if (empty) {
    const notes = failures.length > 1 ? [failures.join("; ")] : [];
    return { ...empty, notes };
  }
  const tried = backends.map((backend) => backend.name).join(", ");
  const detail = failures.length > 0 ? failures.join("; ") : `none of ${tried} had an answer`;
  // Backend messages usually end in a full stop already; the sentence gets exactly one.
  throw new LoupeError("tool-failed", `Could not ${what}: ${detail.replace(/\.+$/, "")}.`);
}

/** The error's message without a leading backend name, which the note already says. */
function failureDetail(name: string, error: unknown): string {
  const message = describeError(error);
  return message.startsWith(`${name} `) ? message.slice(name.length + 1) : message;
}
