/**
 * How long `loupe --help` takes to start, from the built CLI (bin/loupe.js, run `npm run build`
 * first), next to `node -e 0` measured in the same run: the difference is Loupe's own start-up.
 *
 *   node --import tsx bench/cli-startup.ts [--runs 15]
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const projectRoot = join(dirname(fileURLToPath(import.meta.url)), "..");
const bin = join(projectRoot, "bin", "loupe.js");
const runs = Number(process.argv[process.argv.indexOf("--runs") + 1]) || 15;

function wallMs(args: string[]): number {
  const startedAt = performance.now();
  const child = spawnSync(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
  const elapsed = performance.now() - startedAt;
  if (child.status !== 0) throw new Error(`${args.join(" ")} failed: ${child.stderr}`);
  return elapsed;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

if (!existsSync(join(projectRoot, "dist", "apps", "cli", "main.js")))
  throw new Error("dist/ is missing: run `npm run build` first");
const help: number[] = [];
const node: number[] = [];
// Interleaved, so a busy moment of the machine weighs on both; the first pair warms the disk cache.
for (let run = 0; run <= runs; run++) {
  const helpMs = wallMs([bin, "--help"]);
  const nodeMs = wallMs(["-e", "0"]);
  if (run === 0) continue;
  help.push(helpMs);
  node.push(nodeMs);
}
const loupe = median(help);
const baseline = median(node);
console.log(`CLI start-up (median of ${runs} runs, wall time)`);
console.log(`  loupe --help  ${loupe.toFixed(0)} ms`);
console.log(`  node -e 0     ${baseline.toFixed(0)} ms`);
console.log(`  Loupe's own   ${(loupe - baseline).toFixed(0)} ms   (target: loupe --help < 150 ms)`);
