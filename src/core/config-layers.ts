/**
 * One layer of raw config (a file, the environment, flags, a profile) laid over another: objects
 * merge key by key, anything else in `over` replaces what `under` has. Lists replace: a list of
 * tools or stop sequences is meant whole.
 */
export function layerConfig(
  under: Record<string, unknown>,
  over: Record<string, unknown>,
): Record<string, unknown> {
  const result: Record<string, unknown> = { ...under };
  for (const [key, value] of Object.entries(over)) {
    const existing = result[key];
    result[key] = isPlainObject(existing) && isPlainObject(value) ? layerConfig(existing, value) : value;
  }
  return result;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
