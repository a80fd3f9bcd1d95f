import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../support/run-cli.js";

/** Bad flags and ids are named before any item runs (no model is contacted: port 9 is unused). */
describe("loupe eval run: bad input", () => {
  it("names the problem and exits with the config code", async () => {
    const dir = await mkdtemp(join(tmpdir(), "loupe-eval-errors-"));
    const data = join(dir, "data.jsonl");
    await writeFile(data, `${JSON.stringify({ id: "a", question: "q?", answer: "yes" })}\n`);
    const model = ["--base-url", "http://127.0.0.1:9/v1", "--model", "m", "--store", join(dir, "eval.db")];
    const cases: [string[], RegExp][] = [
      [
        ["eval", "run", "livevqa", "--data", data, ...model],
        /scored by an LLM judge .*--judge-model and --judge-base-url/,
      ],
      [["eval", "run", "generic", "--data", data, "--ids", "a,zz", ...model], /--ids: no item has the id zz/],
      [
        ["eval", "run", "generic", "--data", data, "--concurrency", "0", ...model],
        /--concurrency 0: expected a whole number of at least 1/,
      ],
      [["eval", "run", "--resume", "nope", ...model], /No evaluation nope in the store/],
      [
        ["eval", "run", "generic", "--data", data, "--ablation", "dialect", ...model],
        /the ablation Loupe knows is "tools"/,
      ],
      [
        ["eval", "run", "generic", "--data", data, "--mode", "telepathy", ...model],
        /--mode telepathy: the modes are direct, interleaved, plan, research/,
      ],
      [["eval", "report", "nope", "--store", join(dir, "eval.db")], /No evaluation nope in the store/],
    ];
    for (const [args, message] of cases) {
      const result = await runCli(args);
      expect(result.code, args.join(" ")).not.toBe(0);
      expect(result.stderr, args.join(" ")).toMatch(message);
      expect(result.stderr).not.toMatch(/\n\s+at /); // one line, no stack trace
    }
  }, 120_000);
});
