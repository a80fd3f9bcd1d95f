import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { LoupeError } from "../../core/errors.js";

/**
 * The built viewer (web/, built by `npm run build` into dist/web): found from this module's own
 * place, which is src/apps/viewer in a checkout (run by tsx) and dist/apps/viewer in the package,
 * so both find the package root's dist/web.
 */
export function viewerDirectory(): string | undefined {
  let directory = dirname(fileURLToPath(import.meta.url));
  for (let level = 0; level < 6; level++) {
    if (existsSync(join(directory, "package.json"))) {
      const built = join(directory, "dist", "web");
      return existsSync(join(built, "index.html")) ? built : undefined;
    }
    directory = dirname(directory);
  }
  return undefined;
}

/** The built viewer's folder, or a clear error saying how to build it. */
export function requireViewerDirectory(): string {
  const directory = viewerDirectory();
  if (!directory)
    throw new LoupeError("config", "The web viewer is not built (no dist/web/index.html).", {
      hint: "run `npm run build` in Loupe's folder",
    });
  return directory;
}
