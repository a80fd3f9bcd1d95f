import type { DialectName, DialectOptions, ImageConfig } from "../core/config.js";
import { dialectNameRegistry } from "../core/dialect-names.js";
import { LoupeError } from "../core/errors.js";
import { Registry } from "../core/registry.js";

/** The config values a profile pins; any of them can still be overridden by the user's config. */
export interface ProfileSettings {
  images?: { modelView?: Partial<ImageConfig["modelView"]> };
  budgets?: { maxSteps?: number; maxToolCalls?: number };
  model?: { temperature?: number; topP?: number; maxTokens?: number };
  dialectOptions?: Partial<DialectOptions>;
}

/**
 * What one model was trained (or evaluated) under, so that Loupe shows it the images it expects
 * and reads its boxes in the space it meant them. `source` says where upstream the values are.
 */
export interface ModelProfile {
  name: string;
  dialect: DialectName;
  description: string;
  source: string;
  settings: ProfileSettings;
}

const profileRegistry = new Registry<ModelProfile>("profile");

/**
 * Adds a model profile (`--profile NAME`, `loupe dialects`). Its dialect must be registered; the
 * first profile of a dialect is the one a run of that dialect gets when it names none.
 */
export function registerProfile(profile: ModelProfile, options: { replace?: boolean } = {}): void {
  if (!dialectNameRegistry.has(profile.dialect)) {
    throw new LoupeError(
      "config",
      `Profile "${profile.name}" is for the ${profile.dialect} dialect, which is not registered. ${dialectNameRegistry.unknownMessage(profile.dialect)}`,
    );
  }
  profileRegistry.register(profile.name, profile, options);
}

export function findProfile(name: string): ModelProfile | undefined {
  return profileRegistry.get(name);
}

/** Every registered profile, in registration order. */
export function registeredProfiles(): ModelProfile[] {
  return profileRegistry.entries().map(([, profile]) => profile);
}

export function profilesOf(dialect: DialectName): ModelProfile[] {
  return registeredProfiles().filter((profile) => profile.dialect === dialect);
}
