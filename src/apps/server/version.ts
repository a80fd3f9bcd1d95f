import { readFileSync } from "node:fs";

let cached: string | undefined;

/** Loupe's version, from its package.json (read once). */
export function loupeVersion(): string {
  if (cached !== undefined) return cached;
  try {
    const text = readFileSync(new URL("../../../package.json", import.meta.url), "utf8");
    cached = String((JSON.parse(text) as { version?: unknown }).version ?? "unknown");
  } catch {
    cached = "unknown";
  }
  return cached;
}
