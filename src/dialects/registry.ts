import type { DialectName } from "../core/config.js";
import { ArtistDialect } from "./artist.js";
import { DeepEyesDialect } from "./deepeyes.js";
import { DeepEyesV2Dialect } from "./deepeyes-v2.js";
import type { Dialect } from "./dialect.js";
import { MMSearchR1Dialect } from "./mmsearch-r1.js";
import { NativeDialect } from "./native.js";
import { SkyworkR1V4Dialect } from "./skywork-r1v4.js";

/** Options of dialects that have any; each dialect reads the ones that concern it. */
export interface DialectOptions {
  /** DeepEyesV2: re-indent the model's code as its upstream runtime does before running it. */
  reindentCode?: boolean;
}

const factories: Record<DialectName, (options: DialectOptions) => Dialect> = {
  native: () => new NativeDialect(),
  "skywork-r1v4": () => new SkyworkR1V4Dialect(),
  "deepeyes-v2": (options) => new DeepEyesV2Dialect({ reindent: options.reindentCode }),
  deepeyes: () => new DeepEyesDialect(),
  "mmsearch-r1": () => new MMSearchR1Dialect(),
  artist: () => new ArtistDialect(),
};

/** A fresh dialect (its own call-id counter) for one run. */
export function getDialect(name: DialectName, options: DialectOptions = {}): Dialect {
  return factories[name](options);
}

/** One instance of every dialect, for listings (supported and default tools, names). */
export const dialects: readonly Dialect[] = Object.values(factories).map((create) => create({}));
