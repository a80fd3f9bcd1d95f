import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The one way tests find ../shared/fixtures (real images and benchmark rows from public
 * releases). A fresh clone without ../shared skips those tests with a message instead of failing.
 */
const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const fixturesRoot = process.env.LOUPE_FIXTURES ?? join(projectRoot, "..", "shared", "fixtures");
export const hasFixtures = existsSync(fixturesRoot);

export const fixturesMissingMessage = `shared fixtures not found at ${fixturesRoot} (set LOUPE_FIXTURES or put ../shared beside the project); skipping`;

if (!hasFixtures) console.warn(fixturesMissingMessage);

export function fixturePath(...parts: string[]): string {
  return join(fixturesRoot, ...parts);
}
