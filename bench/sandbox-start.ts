/**
 * A Python sandbox session's start with the matplotlib font list an earlier session built
 * (sandbox/font-list-cache.ts, decision 0916) next to one without it, measured alternately in
 * the same run: each start is a fresh pool, so nothing else is warm.
 *
 *   node --import tsx bench/sandbox-start.ts [--rounds 8]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sandboxMissingReason } from "../src/sandbox/sandbox-availability.js";
import { SandboxPool } from "../src/sandbox/sandbox-pool.js";

const rounds = Number(process.argv[process.argv.indexOf("--rounds") + 1]) || 8;

/** Milliseconds from asking a fresh pool for a session to holding a ready one. */
async function startMs(fontListCache: string | false): Promise<number> {
  const pool = new SandboxPool({ warmSessions: 0, fontListCache });
  try {
    const startedAt = performance.now();
    const session = await pool.acquire();
    const elapsed = performance.now() - startedAt;
    pool.release(session);
    return elapsed;
  } finally {
    await pool.close();
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

const missing = sandboxMissingReason({ pythonPath: "/usr/bin/python3", bwrapPath: "/usr/bin/bwrap" });
if (missing) throw new Error(missing);
const folder = mkdtempSync(join(tmpdir(), "loupe-bench-font-list-"));
const cache = join(folder, "font-list.json");
try {
  await startMs(cache); // the first session builds the list the seeded starts are given
  const without: number[] = [];
  const seeded: number[] = [];
  for (let round = 0; round < rounds; round++) {
    without.push(await startMs(false));
    seeded.push(await startMs(cache));
  }
  console.log(`sandbox session start (median of ${rounds}, alternating)`);
  console.log(`  without a font list   ${median(without).toFixed(0)} ms`);
  console.log(`  with the cached list  ${median(seeded).toFixed(0)} ms`);
  console.log(`  with / without = ${(median(seeded) / median(without)).toFixed(2)}`);
} finally {
  rmSync(folder, { recursive: true, force: true });
}
