import type { Command } from "commander";
import { LoupeError } from "../../core/errors.js";
import type { RunStore } from "../../core/run-store.js";
import { openRunStore } from "../../store/open-run-store.js";

/** The `--store` flag of the commands that record or read runs. */
export function addStoreOption(command: Command): Command {
  return command.option(
    "--store <url>",
    "where runs are kept: a SQLite file, postgres://… or none (env LOUPE_STORE; default $LOUPE_HOME/loupe.db)",
  );
}

/** True when the setting turns the store off. */
export function storeIsOff(location: string | undefined): boolean {
  return location?.trim().toLowerCase() === "none";
}

/** The store a run records into, or undefined with `none`; opening it fails before the run starts. */
export async function openRecordingStore(location: string | undefined): Promise<RunStore | undefined> {
  if (storeIsOff(location)) return undefined;
  try {
    return await openRunStore(location);
  } catch (error) {
    if (error instanceof LoupeError && !error.hint)
      throw new LoupeError(error.code, error.message, {
        cause: error,
        hint: "pass --store none (or LOUPE_STORE=none) to run without recording into the store",
      });
    throw error;
  }
}

/** The store `loupe runs` reads; `none` is refused, since there is nothing to read. */
export async function openStoreToRead(location: string | undefined): Promise<RunStore> {
  if (storeIsOff(location))
    throw new LoupeError(
      "config",
      "--store none: `loupe runs` needs a store to read; give a file or a postgres:// URL.",
    );
  return openRunStore(location);
}
