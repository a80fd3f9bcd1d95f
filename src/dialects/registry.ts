import type { DialectName } from "../core/config.js";
import { LoupeError } from "../core/errors.js";
import { ArtistDialect } from "./artist.js";
import { DeepEyesDialect } from "./deepeyes.js";
import { DeepEyesV2Dialect } from "./deepeyes-v2.js";
import type { Dialect, DialectSettings } from "./dialect.js";
import { MMSearchR1Dialect } from "./mmsearch-r1.js";
import { NativeDialect } from "./native.js";
import { SkyworkR1V4Dialect } from "./skywork-r1v4.js";

const factories: Record<DialectName, (settings: DialectSettings) => Dialect> = {
  native: (settings) => new NativeDialect(settings),
  "skywork-r1v4": (settings) => new SkyworkR1V4Dialect(settings),
  "deepeyes-v2": (settings) => new DeepEyesV2Dialect(settings),
  deepeyes: (settings) => new DeepEyesDialect(settings),
  "mmsearch-r1": (settings) => new MMSearchR1Dialect(settings),
  artist: (settings) => new ArtistDialect(settings),
};

/** A fresh dialect (its own call-id counter) for one run, with its profile's options and a prompt pack. */
export function getDialect(name: DialectName, settings: DialectSettings = {}): Dialect {
  if (settings.pack?.dialect !== undefined && settings.pack.dialect !== name) {
    throw new LoupeError(
      "config",
      `The prompt pack was written for the ${settings.pack.dialect} dialect; this run uses ${name}.`,
    );
  }
  return factories[name](settings);
}

/** One instance of every dialect, for listings (supported and default tools, names). */
export const dialects: readonly Dialect[] = Object.values(factories).map((create) => create({}));
