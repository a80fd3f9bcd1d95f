import { readFile } from "node:fs/promises";
import { extname, join, resolve, sep } from "node:path";
import type { Hono } from "hono";
import { viewerDirectory } from "../viewer/viewer-files.js";
import type { ServerEnv } from "./server-app.js";

const mimeByExtension: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".json": "application/json",
  ".txt": "text/plain; charset=utf-8",
};

/** Paths the API owns: an unknown one there is the API's 404, never the viewer's page. */
const apiPrefixes = ["/v1/", "/images/", "/metrics", "/healthz", "/version"];

/**
 * The web viewer at `/` (decision 1203): the files of dist/web, and index.html for any other GET
 * (a client route), registered after the API so it only answers what no API route did. Served
 * without a key (it is the same public code as the package); its calls to /v1 need one as usual.
 */
export function staticRoutes(app: Hono<ServerEnv>, root: string | undefined = viewerDirectory()): void {
  app.get("/*", async (c, next) => {
    const path = new URL(c.req.url).pathname;
    if (apiPrefixes.some((prefix) => path === prefix.replace(/\/$/, "") || path.startsWith(prefix)))
      return next();
    if (!root) return c.text("The web viewer is not built: run `npm run build` in Loupe's folder.\n", 404);
    let relative: string;
    try {
      relative = decodeURIComponent(path).replace(/^\/+/, "");
    } catch {
      return next();
    }
    const file = resolve(root, relative || "index.html");
    const inside = file === root || file.startsWith(root + sep);
    const bytes = inside && extname(file) ? await readFile(file).catch(() => undefined) : undefined;
    if (bytes)
      return c.body(new Uint8Array(bytes), 200, {
        "content-type": mimeByExtension[extname(file)] ?? "application/octet-stream",
        "cache-control": "no-cache",
      });
    if (extname(relative)) return next();
    const index = await readFile(join(root, "index.html"));
    return c.body(new Uint8Array(index), 200, {
      "content-type": mimeByExtension[".html"]!,
      "cache-control": "no-cache",
    });
  });
}
