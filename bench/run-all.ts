/**
 * Runs every benchmark in turn, each in its own process so one's caches and JIT state do not
 * colour another's figures. `npm run bench` (pass names to run some: `npm run bench -- crop`).
 */
import { spawnSync } from "node:child_process";

const benches = [
  { name: "agent-overhead", file: "bench/agent-overhead.ts", args: [] as string[] },
  // Runs the built CLI: `npm run build` first.
  { name: "cli-startup", file: "bench/cli-startup.ts", args: [] },
  { name: "concurrent-python", file: "bench/concurrent-python.ts", args: [] },
  { name: "concurrent-python-model-2s", file: "bench/concurrent-python.ts", args: ["--model-ms", "2000"] },
  { name: "crop-encode", file: "bench/crop-encode.ts", args: [] },
  { name: "plan", file: "bench/plan.ts", args: [] },
  { name: "eval-score", file: "bench/eval-score.ts", args: [] },
  { name: "eval-throughput", file: "bench/eval-throughput.ts", args: [] },
  { name: "python-sandbox", file: "bench/python-sandbox.ts", args: [] },
  { name: "sandbox-start", file: "bench/sandbox-start.ts", args: [] },
  // About 6 minutes at the 100k documents and images the issue asks for; for a quicker look run
  // `node --import tsx bench/search-index.ts --docs 20000` directly.
  { name: "server", file: "bench/server.ts", args: [] },
  { name: "search-index", file: "bench/search-index.ts", args: [] },
  // Starts a private PostgreSQL cluster when PostgreSQL is installed (as the tests do).
  { name: "store", file: "bench/store.ts", args: [] },
  // Needs Debian's chromium and the built viewer (`npm run build`).
  { name: "viewer", file: "bench/viewer.ts", args: [] },
];

const wanted = process.argv.slice(2);
let failed = 0;
for (const bench of benches) {
  if (wanted.length > 0 && !wanted.some((name) => bench.name.includes(name))) continue;
  console.log(`\n=== ${bench.name} (${bench.file})`);
  const result = spawnSync(process.execPath, ["--import", "tsx", bench.file, ...bench.args], {
    stdio: "inherit",
  });
  if (result.status !== 0) failed += 1;
}
process.exit(failed > 0 ? 1 : 0);
