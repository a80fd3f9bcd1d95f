import { readdirSync, readFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { openLocalIndex } from "./src/search/local-index/index.js";
import { issueTransforms } from "./test/support/image-transforms.js";
const root = "/work/shared/fixtures";
const files = ["hires", "r1v4-demo", "livevqa-news/images"].flatMap((d) => readdirSync(join(root, d)).filter((f) => /\.(jpe?g|png)$/i.test(f)).map((f) => join(root, d, f)));
const index = openLocalIndex(join(mkdtempSync(join(tmpdir(), "x-")), "i.sqlite"));
let t = performance.now();
const report = await index.add(files);
console.log("ingest", files.length, report.images, report.failed, ((performance.now() - t) / files.length).toFixed(0), "ms/image");
const step = Number(process.argv[2] ?? 4);
const only = process.argv[3];
for (const [name, transform] of Object.entries(issueTransforms)) {
  if (only && !name.includes(only)) continue;
  const counts: Record<string, number> = { combined: 0, global: 0, features: 0 };
  const times: Record<string, number[]> = { combined: [], global: [], features: [] };
  let n = 0;
  const misses: string[] = [];
  for (let i = 0; i < files.length; i += step) {
    n++;
    const bytes = await transform(readFileSync(files[i]!), i);
    for (const choice of ["combined", "global", "features"] as const) {
      const s = performance.now();
      const found = await index.matchImage({ id: "q", bytes, mime: "image/png" }, 5, choice);
      times[choice]!.push(performance.now() - s);
      const ok = found[0] && found[0].match.kind !== "similar" && index["store"].document(found[0].id)?.url === pathToFileURL(files[i]!).href;
      if (ok) counts[choice]!++;
      else if (choice === "combined") misses.push(`${files[i]!.split("/").pop()} ${JSON.stringify(found[0]?.match)}`);
    }
  }
  const med = (v: number[]) => v.sort((a, b) => a - b)[Math.floor(v.length / 2)]!.toFixed(0);
  console.log(name.padEnd(34), Object.entries(counts).map(([k, v]) => `${k} ${(v / n).toFixed(2)} ${med(times[k]!)}ms`).join("  "), misses.slice(0, 3).join(" | "));
}
