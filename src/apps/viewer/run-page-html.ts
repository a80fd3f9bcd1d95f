import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { ImageSet } from "../../core/image-set.js";
import type { Trajectory } from "../../core/trajectory.js";

/** The id web/src/data/run-data.ts reads the embedded run from (EMBEDDED_RUN_ID). */
const EMBEDDED_RUN_ID = "loupe-run";

/**
 * Only what the page itself carries: inline script and style, data: images. Nothing is fetched,
 * so the file opens offline and a trajectory's text cannot make it call anywhere.
 */
const contentSecurityPolicy =
  "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:";

/**
 * One self-contained HTML page of a run (decision 1202): the built viewer's index.html with its
 * script and stylesheet inlined, and the trajectory with every image as a data: URL in a JSON
 * script element the viewer reads instead of the server's API.
 */
export async function runPageHtml(
  viewerDirectory: string,
  trajectory: Trajectory,
  images: ImageSet,
): Promise<string> {
  let html = await readFile(join(viewerDirectory, "index.html"), "utf8");
  const asset = (path: string) => readFile(join(viewerDirectory, path), "utf8");
  const scripts = [...html.matchAll(/<script\b[^>]*\bsrc="\.\/([^"]+)"[^>]*><\/script>/g)];
  for (const match of scripts) {
    const code = (await asset(match[1] as string)).replace(/<\/(script)/gi, "<\\/$1");
    html = html.replace(match[0], () => `<script type="module">${code}</script>`);
  }
  const styles = [...html.matchAll(/<link\b[^>]*\brel="stylesheet"[^>]*\bhref="\.\/([^"]+)"[^>]*>/g)];
  for (const match of styles) {
    const css = (await asset(match[1] as string)).replace(/<\/(style)/gi, "<\\/$1");
    html = html.replace(match[0], () => `<style>${css}</style>`);
  }
  const embedded = {
    trajectory: {
      ...trajectory,
      images: trajectory.images.map(({ file: _file, ...record }) => record),
    },
    images: Object.fromEntries(
      trajectory.images.map((record) => [
        record.id,
        `data:${record.mime};base64,${Buffer.from(images.bytes(record.id)).toString("base64")}`,
      ]),
    ),
  };
  // `<` escaped, so no text in the run can close the script element or open a comment.
  const data = JSON.stringify(embedded).replace(/</g, "\\u003c");
  const title = `Loupe run: ${trajectory.question.slice(0, 80)}`;
  return html
    .replace(
      /<meta charset="utf-8" \/>/,
      (meta) =>
        `${meta}\n    <meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy}" />`,
    )
    .replace(/<title>[^<]*<\/title>/, () => `<title>${escapeHtml(title)}</title>`)
    .replace(
      "</body>",
      () => `<script type="application/json" id="${EMBEDDED_RUN_ID}">${data}</script>\n  </body>`,
    );
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (character) => `&#${character.charCodeAt(0)};`);
}
