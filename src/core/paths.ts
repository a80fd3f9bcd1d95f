import { homedir } from "node:os";
import { join } from "node:path";

/**
 * Where Loupe keeps what outlives a run (the local search index, the search cache, published
 * images): $LOUPE_HOME, or ~/.loupe. Tests point LOUPE_HOME at a temporary folder.
 */
export function loupeHome(environment: NodeJS.ProcessEnv = process.env): string {
  return environment.LOUPE_HOME ?? join(homedir(), ".loupe");
}

/** The local index file: $LOUPE_INDEX, or index.sqlite in Loupe's home. */
export function defaultIndexPath(environment: NodeJS.ProcessEnv = process.env): string {
  return environment.LOUPE_INDEX ?? join(loupeHome(environment), "index.sqlite");
}
