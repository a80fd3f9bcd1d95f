import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import sharp from "sharp";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { fixturePath, hasFixtures } from "../../../../test/support/fixtures.js";
import { runCli } from "../../../../test/support/run-cli.js";
import { loadBenchmark } from "../../../eval/benchmarks.js";
import type { EvalItem } from "../../../eval/eval-item.js";
import { type ModelServer, startModelServer } from "../../../testing/model-server.js";
import { evalCommand } from "./eval-command.js";

async function run(args: string[]): Promise<{ stdout: string; stderr: string }> {
  const captured = { stdout: "", stderr: "" };
  const command = evalCommand({
    stdout: (text) => {
      captured.stdout += text;
    },
    stderr: (text) => {
      captured.stderr += text;
    },
  });
  command.exitOverride();
  await command.parseAsync(args, { from: "user" });
  return captured;
}

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "loupe-eval-score-"));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

let server: ModelServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function writeLines(name: string, rows: unknown[]): string {
  const file = join(root, name);
  writeFileSync(file, rows.map((row) => JSON.stringify(row)).join("\n"));
  return file;
}

describe("loupe eval score", () => {
  it("scores a generic multiple-choice set offline, strict beside the official figure", async () => {
    const data = writeLines("generic.jsonl", [
      { id: "q1", question: "Colour?", choices: ["red", "blue"], answer: "A", category: "colour" },
      { id: "q2", question: "Shape?", choices: ["round", "square"], answer: "B", category: "shape" },
      { id: "q3", question: "Size?", choices: ["big", "small"], answer: "B", category: "shape" },
    ]);
    const predictions = writeLines("generic-predictions.jsonl", [
      { id: "q1", response: "The answer is A." },
      { id: "q2", response: "<answer>B</answer>" },
      { id: "q9", response: "A" },
    ]);
    const { stdout } = await run([
      "score",
      "generic",
      "--data",
      data,
      "--predictions",
      predictions,
      "--json",
      "--strict",
    ]);
    const report = JSON.parse(stdout);
    expect(report.summary).toMatchObject({ benchmark: "generic", scorer: "generic", scored: 2, missing: 1 });
    expect(report.summary.overall.value).toBe(0.5);
    expect(report.summary.strict.overall.value).toBe(1);
    expect(report.missing).toEqual(["q3"]);
    expect(report.unknown).toEqual(["q9"]);
    expect(report.items[1]).toMatchObject({
      id: "q2",
      extracted: "Z",
      correct: false,
      strict: { correct: true },
    });
  });

  it("HR-Bench TSV: rotations scored one by one, accuracy averaged over cycles", async () => {
    const image = (
      await sharp({ create: { width: 4, height: 4, channels: 3, background: "#888" } })
        .jpeg()
        .toBuffer()
    ).toString("base64");
    const header = ["index", "question", "A", "B", "C", "D", "answer", "category", "cycle_category", "image"];
    const rows = [
      ["1", "Sign?", "STOP", "GO", "YIELD", "EXIT", "A", "single", "cycle_0", image],
      ["2", "Sign?", "GO", "YIELD", "EXIT", "STOP", "D", "single", "cycle_1", image],
      ["3", "Taller?", "tree", "pole", "man", "car", "B", "cross", "cycle_0", image],
      ["4", "Taller?", "pole", "man", "car", "tree", "A", "cross", "cycle_1", image],
      ["5", "Colour?", "red", "blue", "green", "white", "C", "single", "cycle_1", image],
    ];
    const data = join(root, "hr_bench_4k.tsv");
    writeFileSync(data, `${[header, ...rows].map((row) => row.join("\t")).join("\n")}\n`);
    // cycle_0: 2 right of 2; cycle_1: 2 right of 3. The figure is the mean of 1 and 2/3, 5/6, not
    // the pooled 4/5, and no cycle needs all its rotations right.
    const predictions = writeLines("hrbench-predictions.jsonl", [
      { id: 1, response: "A" },
      { id: 2, response: "The answer is A" },
      { id: 3, response: "(B) pole" },
      { id: 4, response: "A" },
      { id: 5, response: "C" },
    ]);
    const { stdout } = await run([
      "score",
      "hrbench-4k",
      "--data",
      data,
      "--predictions",
      predictions,
      "--json",
    ]);
    const { summary } = JSON.parse(stdout);
    expect(summary.measure).toBe("accuracy averaged over cycles");
    expect(summary.overall.value).toBeCloseTo(5 / 6, 12);
    // FSP: cycle_0 1/1, cycle_1 1/2 → 0.75; FCP: 1/1 in both → 1.
    expect(summary.categories.FSP.value).toBeCloseTo(0.75, 12);
    expect(summary.categories.FCP.value).toBe(1);
  });

  it("MME-RealWorld JSON: the own script's quirks officially, the strict figure beside", async () => {
    writeFileSync(
      join(root, "mme.jpg"),
      await sharp({ create: { width: 4, height: 4, channels: 3, background: "#888" } })
        .jpeg()
        .toBuffer(),
    );
    const choices = ["(A) car", "(B) bus", "(C) tram", "(D) van", "(E) taxi"];
    const row = (id: string, gold: string, task: string) => ({
      Question_id: id,
      Image: "mme.jpg",
      Text: "Which vehicle?",
      "Answer choices": choices,
      "Ground truth": gold,
      Task: task,
      Subtask: "Autonomous_Driving",
      Category: "vehicle",
    });
    const data = join(root, "MME_RealWorld.json");
    writeFileSync(
      data,
      JSON.stringify([
        row("p1", "C", "Perception"),
        row("p2", "A", "Perception"),
        row("r1", "B", "Reasoning"),
      ]),
    );
    const predictions = writeLines("mme-predictions.jsonl", [
      { id: "p1", response: "Best answer: C" },
      { id: "p2", response: "" },
      { id: "r1", response: "bus" },
    ]);
    const { stdout } = await run([
      "score",
      "mme-realworld",
      "--data",
      data,
      "--predictions",
      predictions,
      "--json",
      "--strict",
    ]);
    const report = JSON.parse(stdout);
    expect(report.items.map((item: { extracted: string }) => item.extracted)).toEqual(["B", "A", "B"]);
    expect(report.summary.overall.value).toBeCloseTo(2 / 3, 12);
    expect(report.summary.categories.Perception.value).toBe(0.5);
    expect(report.summary.categories["Reasoning/Autonomous_Driving"].value).toBe(1);
    // Strict reads C for p1, nothing for the empty answer, nothing for "bus".
    expect(report.summary.strict.overall.value).toBeCloseTo(1 / 3, 12);
  });

  it("names a bad predictions line", async () => {
    const data = writeLines("generic2.jsonl", [{ id: "q1", question: "Q?", answer: "x" }]);
    const predictions = join(root, "bad.jsonl");
    writeFileSync(predictions, '{"id": "q1", "response": "x"}\n{"id": "q2"}\n');
    await expect(
      run(["score", "generic", "--data", data, "--predictions", predictions]),
    ).rejects.toMatchObject({
      code: "eval-data",
      message: expect.stringContaining('bad.jsonl line 2 has no "response"'),
    });
  });

  it("refuses a judge benchmark without a judge, naming the flags", async () => {
    const data = writeLines("generic3.jsonl", [{ id: "q1", question: "Q?", answer: "x" }]);
    await expect(run(["score", "simplevqa", "--data", data, "--predictions", data])).rejects.toThrow(
      /--judge-model/,
    );
  });

  it.skipIf(!hasFixtures)(
    "browsecomp-vl fixture: an HLE-style judge answering in JSON, Pass@1 per domain",
    async () => {
      const items: EvalItem[] = [];
      for await (const item of loadBenchmark("browsecomp-vl", fixturePath("browsecomp-vl"))) items.push(item);
      // Right on every fourth item: the judge says yes when the response is the gold answer.
      const predictions = items.map((item, index) => ({
        id: item.id,
        response: `Explanation: looked it up.\nExact Answer: ${index % 4 === 0 ? item.answer : "unknown"}\nConfidence: 60%`,
      }));
      const file = writeLines("browsecomp-predictions.jsonl", predictions);
      server = await startModelServer((request) => {
        const prompt: string = request.body.messages[0].content;
        const gold = /\[correct_answer\]: ([^\n]*)/.exec(prompt)![1]!;
        const right = prompt.includes(`Exact Answer: ${gold}\n`);
        return {
          content: JSON.stringify({
            extracted_final_answer: right ? gold : "unknown",
            reasoning: right ? "same" : "differs",
            correct: right ? "yes" : "no",
            confidence: 60,
            strict: true,
          }),
        };
      });
      const { stdout } = await run([
        "score",
        "browsecomp-vl",
        "--data",
        fixturePath("browsecomp-vl"),
        "--predictions",
        file,
        "--judge-model",
        "judge",
        "--judge-base-url",
        server.baseUrl,
        "--judge-concurrency",
        "16",
        "--json",
      ]);
      const report = JSON.parse(stdout);
      const expected = predictions.filter((_, index) => index % 4 === 0).length;
      expect(report.summary.scorer).toBe("hle-judge");
      expect(report.summary.overall).toMatchObject({ n: items.length });
      expect(report.summary.overall.value).toBeCloseTo(expected / items.length, 12);
      expect(report.items[0]).toMatchObject({
        correct: true,
        extracted: items[0]!.answer,
        metrics: { confidence: 60 },
      });
      expect(report.summary.categories["level: 1"].n).toBe(items.length);
    },
  );

  it.skipIf(!hasFixtures)(
    "livevqa-news end to end: the real CLI, a scripted judge, the accuracy the script implies",
    async () => {
      const items: EvalItem[] = [];
      for await (const item of loadBenchmark("livevqa", fixturePath("livevqa-news", "benchmark.json")))
        items.push(item);
      expect(items).toHaveLength(80);
      // Every third item right (its first accepted answer), every fifth of the rest "I don't know", the others wrong.
      const goldText = (item: EvalItem) =>
        item.aliases?.[0] ?? item.choices![item.answer.charCodeAt(0) - 65]!;
      const predictions = items.map((item, index) => ({
        id: item.id,
        response:
          index % 3 === 0
            ? `<answer>${goldText(item)}</answer>`
            : index % 5 === 0
              ? "I don't know"
              : "<answer>Nobody</answer>",
      }));
      const right = predictions.filter((_, index) => index % 3 === 0).length;
      const notAttempted = predictions.filter((_, index) => index % 3 !== 0 && index % 5 === 0).length;
      const file = writeLines("livevqa-predictions.jsonl", predictions);
      server = await startModelServer((request) => {
        const prompt: string = request.body.messages[0].content;
        const targets = /Gold target: ([^\n]*)/.exec(prompt)![1]!;
        const predicted = /Predicted answer: ([^\n]*)/.exec(prompt)![1]!.trim();
        return {
          content: targets.includes(`"${predicted}"`) ? "A" : predicted === "I don't know" ? "C" : " b\n",
        };
      });
      const result = await runCli(
        [
          "eval",
          "score",
          "livevqa",
          "--data",
          fixturePath("livevqa-news"),
          "--predictions",
          file,
          "--judge-model",
          "judge",
          "--judge-base-url",
          server.baseUrl,
          "--json",
        ],
        { timeoutMs: 60_000, peakMemoryFile: join(root, "livevqa-peak-memory") },
      );
      expect(result.code, result.stderr).toBe(0);
      const peakMemoryBytes = Number(readFileSync(join(root, "livevqa-peak-memory"), "utf8"));
      expect(peakMemoryBytes).toBeGreaterThan(0);
      expect(peakMemoryBytes).toBeLessThan(1024 ** 3);
      const report = JSON.parse(result.stdout);
      expect(server.requests).toHaveLength(80);
      expect(report.summary.scorer).toBe("livevqa-judge");
      expect(report.summary.overall.value).toBeCloseTo(right / 80, 10);
      expect(report.summary.metrics.notAttempted).toBeCloseTo(notAttempted / 80, 10);
      expect(report.summary.metrics.accuracyGivenAttempted).toBeCloseTo(right / (80 - notAttempted), 10);
      expect(Object.keys(report.summary.categories)).toEqual(expect.arrayContaining(["level1", "level2"]));
      const first = report.items[0];
      expect(first).toMatchObject({ id: items[0]!.id, correct: true, attempted: true });
      expect(first.judge[0]).toMatchObject({ model: "judge", reply: "A", verdict: "correct" });
      // LiveVQA's target: every accepted answer quoted, joined by OR.
      expect(first.judge[0].prompt).toContain(
        `Gold target: ${items[0]!.aliases!.map((alias) => `"${alias}"`).join(" OR ")}\n`,
      );
    },
    90_000,
  );
});
