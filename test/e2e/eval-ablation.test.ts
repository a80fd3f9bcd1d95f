import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { testImage } from "../agent/agent-harness.js";
import { type ModelServer, type RecordedRequest, startModelServer } from "../support/model-server.js";
import { runCli } from "../support/run-cli.js";

/**
 * `--ablation tools`: the same items with tools off (direct answer) and on. The scripted model
 * answers right only after it has cropped, so the tools variant is right on every item, the
 * direct one on none; the report and `eval compare` show the pairing.
 */
let server: ModelServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const hasToolResult = (request: RecordedRequest) =>
  (request.body.messages as { role: string }[]).some((message) => message.role === "tool");

describe("loupe eval run --ablation tools", () => {
  it("runs each item without and with tools and reports them side by side", async () => {
    server = await startModelServer((request) => {
      if (!request.body.tools) return { content: "no" };
      if (!hasToolResult(request))
        return { toolCalls: [{ name: "crop", arguments: { box: [0, 0, 64, 64] } }] };
      return { content: "yes" };
    });
    const dir = await mkdtemp(join(tmpdir(), "loupe-eval-ablation-"));
    await writeFile(join(dir, "quadrants.jpg"), (await testImage()).bytes);
    const rows = Array.from({ length: 6 }, (_, index) =>
      JSON.stringify({
        id: `q${index}`,
        question: `Is part ${index} there?`,
        answer: "yes",
        image: "quadrants.jpg",
        category: index < 3 ? "a" : "b",
      }),
    );
    await writeFile(join(dir, "data.jsonl"), `${rows.join("\n")}\n`);
    const store = join(dir, "eval.db");
    const common = ["--store", store];
    const run = await runCli([
      "eval",
      "run",
      "generic",
      "--data",
      join(dir, "data.jsonl"),
      "--ablation",
      "tools",
      "--tools",
      "crop",
      "--id",
      "abl",
      "--base-url",
      server.baseUrl,
      "--model",
      "test-model",
      "--json",
      ...common,
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).progress).toMatchObject({ done: 12, total: 12, correct: 6 });
    // Direct runs offered no tools: one request each; tool runs two (the crop, then the answer).
    expect(server.requests.filter((request) => !request.body.tools)).toHaveLength(6);
    expect(server.requests.filter((request) => request.body.tools)).toHaveLength(12);

    const report = JSON.parse(
      (await runCli(["eval", "report", "abl", "--format", "json", ...common])).stdout,
    );
    const byName = Object.fromEntries(
      report.variants.map((variant: { variant: string }) => [variant.variant, variant]),
    );
    expect(byName.direct.summary.overall.value).toBe(0);
    expect(byName.tools.summary.overall.value).toBe(1);
    expect(byName.tools.tools).toMatchObject({ callsPerQuestion: 1, byTool: { crop: 6 } });
    expect(report.ablation).toMatchObject({
      a: "direct",
      b: "tools",
      onlyB: ["q0", "q1", "q2", "q3", "q4", "q5"],
    });
    expect(report.ablation.pValue).toBeCloseTo(0.03125, 10);

    const compare = await runCli(["eval", "compare", "abl:direct", "abl:tools", "--json", ...common]);
    expect(compare.code, compare.stderr).toBe(0);
    const comparison = JSON.parse(compare.stdout);
    expect(comparison).toMatchObject({ paired: 6, bothWrong: 0, onlyA: [] });
    expect(comparison.pValue).toBeCloseTo(0.03125, 10);
    const ambiguous = await runCli(["eval", "compare", "abl", "abl:tools", ...common]);
    expect(ambiguous.code).toBe(2);
    expect(ambiguous.stderr).toContain("name one as abl:VARIANT");
  }, 120_000);
});
