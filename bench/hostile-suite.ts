/**
 * The hostile input suite's figures: runs test/hostile/ with vitest and prints, per family (one
 * test file each), how many cases were tried, held and failed, and the slowest case against its
 * limit. Run: node --import tsx bench/hostile-suite.ts
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";

interface AssertionResult {
  status: string;
  title: string;
  duration?: number;
}
interface FileResult {
  name: string;
  assertionResults: AssertionResult[];
}

const report = join(mkdtempSync(join(tmpdir(), "loupe-hostile-")), "report.json");
const run = spawnSync("npx", ["vitest", "run", "test/hostile", "--reporter=json", `--outputFile=${report}`], {
  stdio: ["ignore", "ignore", "inherit"],
  env: { ...process.env },
});
const files = (JSON.parse(readFileSync(report, "utf8")) as { testResults: FileResult[] }).testResults;
let failedTotal = 0;
console.log("family          tried  held  failed  slowest case (ms)");
for (const file of files.sort((a, b) => a.name.localeCompare(b.name))) {
  const family = basename(file.name).replace(/\.test\.ts$/, "");
  const tried = file.assertionResults.length;
  const held = file.assertionResults.filter((result) => result.status === "passed").length;
  const failed = tried - held;
  failedTotal += failed;
  const slowest = Math.max(0, ...file.assertionResults.map((result) => result.duration ?? 0));
  console.log(
    `${family.padEnd(15)} ${String(tried).padStart(5)} ${String(held).padStart(5)} ${String(failed).padStart(7)}  ${Math.round(slowest)}`,
  );
}
for (const file of files) {
  for (const result of file.assertionResults.filter((entry) => entry.status !== "passed")) {
    console.log(`failed: ${basename(file.name)} > ${result.title}`);
  }
}
console.log(`${failedTotal === 0 ? "all held" : `${failedTotal} failed`} (vitest exit ${run.status})`);
process.exitCode = failedTotal === 0 ? 0 : 1;
