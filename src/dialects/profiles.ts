import { type DialectName, type DialectOptions, dialectOptionsSchema } from "../core/config.js";
import { isPlainObject, layerConfig } from "../core/config-layers.js";
import { LoupeError } from "../core/errors.js";
import {
  findProfile,
  type ModelProfile,
  type ProfileSettings,
  profilesOf,
  registeredProfiles,
} from "./profile-registry.js";
// The built-in dialects and their profiles are registered on import.
import "./registry.js";

export {
  findProfile,
  type ModelProfile,
  type ProfileSettings,
  profilesOf,
  registeredProfiles,
  registerProfile,
} from "./profile-registry.js";

/** The dialect options a profile sets, with the defaults for the rest. */
export function profileDialectOptions(name: string): DialectOptions {
  const profile = findProfile(name);
  if (!profile) throw new LoupeError("config", `Unknown profile "${name}".`);
  return dialectOptionsSchema.parse(profile.settings.dialectOptions ?? {});
}

/**
 * The raw config (file, environment and flags merged, not yet validated) with the named profile's
 * settings under it: the user's values win over the profile's. With no profile named, the
 * dialect's default profile applies; a profile named alone also picks its dialect.
 */
export function withProfile(raw: Record<string, unknown>): Record<string, unknown> {
  const named = typeof raw.profile === "string" ? raw.profile : undefined;
  const dialect = (typeof raw.dialect === "string" ? raw.dialect : undefined) as DialectName | undefined;
  let profile: ModelProfile | undefined;
  if (named !== undefined) {
    profile = findProfile(named);
    if (!profile) {
      const names = registeredProfiles()
        .map((candidate) => `${candidate.name} (${candidate.dialect})`)
        .join(", ");
      throw new LoupeError("config", `Unknown profile "${named}". Profiles: ${names}.`);
    }
    if (dialect !== undefined && profile.dialect !== dialect) {
      const own = profilesOf(dialect).map((candidate) => candidate.name);
      throw new LoupeError(
        "config",
        `Profile "${named}" is for the ${profile.dialect} dialect, not ${dialect}. Profiles of ${dialect}: ${own.join(", ") || "none"}.`,
      );
    }
  } else {
    profile = profilesOf(dialect ?? "native")[0];
  }
  if (!profile) return raw;
  return {
    ...layerConfig(profile.settings as Record<string, unknown>, raw),
    dialect: profile.dialect,
    profile: profile.name,
  };
}

/** A profile's settings as `key.path = value` lines, for `loupe dialects`. */
export function flattenSettings(settings: ProfileSettings): [string, string][] {
  const lines: [string, string][] = [];
  const walk = (value: unknown, path: string) => {
    if (isPlainObject(value) && Object.keys(value).length > 0 && !path.endsWith("toolCallLimits")) {
      for (const [key, inner] of Object.entries(value)) walk(inner, path ? `${path}.${key}` : key);
    } else lines.push([path, JSON.stringify(value)]);
  };
  walk(settings, "");
  return lines.filter(([path]) => path !== "");
}
