import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ImageSet } from "../../core/image-set.js";
import type { Trajectory } from "../../core/trajectory.js";
import { runPageHtml } from "./run-page-html.js";

/** A stand-in for dist/web with the shape Vite writes, whose script holds a `</script>` of its own. */
async function viewerFolder(): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), "loupe-viewer-html-"));
  await mkdir(join(folder, "assets"));
  await writeFile(
    join(folder, "index.html"),
    '<!doctype html>\n<html>\n  <head>\n    <meta charset="utf-8" />\n    <title>Loupe viewer</title>\n    <script type="module" crossorigin src="./assets/viewer.js"></script>\n    <link rel="stylesheet" crossorigin href="./assets/viewer.css">\n  </head>\n  <body>\n    <div id="root"></div>\n  </body>\n</html>\n',
  );
  await writeFile(join(folder, "assets/viewer.js"), 'const tag = "</script>"; console.log(tag, "$&");');
  await writeFile(join(folder, "assets/viewer.css"), "body { color: red; }");
  return folder;
}

function runWith(question: string): { trajectory: Trajectory; images: ImageSet } {
  const images = new ImageSet();
  const ref = images.add(
    new Uint8Array([1, 2, 3]),
    { mime: "image/png", width: 1, height: 1 },
    {
      kind: "input",
      source: "a.png",
    },
  );
  const trajectory = {
    version: 1,
    id: "r",
    createdAt: "2026-12-01T00:00:00.000Z",
    question,
    inputs: { images: [ref.id] },
    config: {
      model: "m",
      baseUrl: "http://127.0.0.1/v1",
      dialect: "native",
      tools: [],
      sampling: {},
      budgets: {},
    },
    images: [{ ...ref, file: "images/a.png" }],
    messages: [],
    steps: [],
    stopReason: "answer",
    budgetsUsed: { steps: 0, toolCalls: 0, usage: { promptTokens: 0, completionTokens: 0 }, wallMs: 0 },
  } satisfies Trajectory;
  return { trajectory, images };
}

describe("runPageHtml: one self-contained page of a run", () => {
  it("inlines the script and style, and no text in the run can close its script element", async () => {
    const hostile = 'What </script><script>alert(1)</script> <!-- says $& $1 "this"?';
    const { trajectory, images } = runWith(hostile);
    const html = await runPageHtml(await viewerFolder(), trajectory, images);
    expect(html).not.toContain('src="./assets');
    expect(html).not.toContain('href="./assets');
    expect(html).toContain("<style>body { color: red; }</style>");
    // The viewer's own `</script>` is escaped; `$&` is kept as written (no replacement patterns).
    expect(html).toContain('const tag = "<\\/script>"; console.log(tag, "$&");');
    expect(html).toContain("Content-Security-Policy");
    // Every script element ends where it should: the data one holds the run, parseable as is.
    const data = /<script type="application\/json" id="loupe-run">([\s\S]*?)<\/script>/.exec(html)?.[1];
    const embedded = JSON.parse(data ?? "null");
    expect(embedded.trajectory.question).toBe(hostile);
    expect(embedded.trajectory.images[0].file).toBeUndefined();
    expect(embedded.images[trajectory.images[0]!.id]).toBe("data:image/png;base64,AQID");
    expect(html.match(/<script\b/g)).toHaveLength(2);
    expect(html).toContain("<title>Loupe run: What &#60;/script&#62;");
  });
});
