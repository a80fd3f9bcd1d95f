import type { DialectName } from "../core/config.js";
import { dialectNameRegistry } from "../core/dialect-names.js";
import { LoupeError } from "../core/errors.js";
import { Registry } from "../core/registry.js";
import type { Dialect, DialectSettings } from "./dialect.js";
import { type ModelProfile, registerProfile } from "./profile-registry.js";

/** Makes a fresh dialect for one run (its own call-id counter) with its options and prompt pack. */
export type DialectFactory = (settings: DialectSettings) => Dialect;

const dialectRegistry = new Registry<DialectFactory>("dialect");

export interface RegisterDialectOptions {
  /** Profiles of models that speak this dialect; the first is the dialect's default. */
  profiles?: readonly ModelProfile[];
  replace?: boolean;
}

/**
 * Adds a dialect under `name`: `--dialect NAME` and `dialect` in the config accept it from then on
 * (the config schema checks names against this registry), and `loupe dialects` lists it.
 */
export function registerDialect(
  name: DialectName,
  factory: DialectFactory,
  options: RegisterDialectOptions = {},
): void {
  dialectRegistry.register(name, factory, options);
  dialectNameRegistry.register(name, true, { replace: true });
  for (const profile of options.profiles ?? []) registerProfile({ ...profile, dialect: name }, options);
}

/** A fresh dialect (its own call-id counter) for one run, with its profile's options and a prompt pack. */
export function getDialect(name: DialectName, settings: DialectSettings = {}): Dialect {
  const factory = dialectRegistry.require(name);
  if (settings.pack?.dialect !== undefined && settings.pack.dialect !== name) {
    throw new LoupeError(
      "config",
      `The prompt pack was written for the ${settings.pack.dialect} dialect; this run uses ${name}.`,
    );
  }
  return factory(settings);
}

/** One fresh instance of every registered dialect, for listings (tools, names, default packs). */
export function listDialects(): Dialect[] {
  return dialectRegistry.entries().map(([, create]) => create({}));
}
