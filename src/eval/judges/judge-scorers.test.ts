import { afterEach, describe, expect, it } from "vitest";
import { modelConfigSchema } from "../../core/config.js";
import { type ModelServer, startModelServer } from "../../testing/model-server.js";
import { scorePredictions } from "../score-predictions.js";
import { testItem } from "../scorers/scorer-test-support.js";
import { Judge } from "./judge.js";
import { hleJudgeScorer, simpleqaJudgeScorer, yesNoJudgeScorer } from "./judge-families.js";

let server: ModelServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function judgeFor(
  baseUrl: string,
  settings: { template?: string; parser?: string; maxRetries?: number } = {},
) {
  const model = modelConfigSchema.parse({
    baseUrl,
    name: "judge-model",
    maxRetries: settings.maxRetries ?? 2,
    stream: false,
  });
  return new Judge(
    { model, template: settings.template, parser: settings.parser },
    { retryBaseDelayMs: 1, retryMaxDelayMs: 2 },
  );
}

const item = testItem({
  id: "q1",
  benchmark: "simplevqa",
  question: "Which city is this?",
  answer: "Paris",
  aliases: ["Paris, France"],
});

describe("judge scorers against a scripted judge model", () => {
  it("SimpleQA: renders the question, gold target and the <answer> text, records the call", async () => {
    server = await startModelServer([{ content: "A" }]);
    const scored = await simpleqaJudgeScorer.score(item, "<think>hmm</think><answer>paris</answer>", {
      strict: true,
      judge: judgeFor(server.baseUrl),
    });
    expect(scored).toMatchObject({ correct: true, attempted: true, strict: { correct: true } });
    expect(scored.judge).toHaveLength(1);
    expect(scored.judge![0]).toMatchObject({ model: "judge-model", reply: "A", verdict: "correct" });
    const prompt: string = server.requests[0]!.body.messages[0].content;
    expect(prompt).toContain("Question: Which city is this?");
    expect(prompt).toContain("Gold target: Paris (also accepted: Paris, France)");
    expect(prompt).toContain("Predicted answer: paris\n");
  });

  it("SimpleQA: a judge answering the word CORRECT is read as C officially and as correct by --strict", async () => {
    server = await startModelServer([{ content: "CORRECT" }]);
    const scored = await simpleqaJudgeScorer.score(item, "Paris", {
      strict: true,
      judge: judgeFor(server.baseUrl),
    });
    expect(scored).toMatchObject({ correct: false, attempted: false, strict: { correct: true } });
  });

  it("HLE: the field-line reply gives the extracted answer and the confidence", async () => {
    server = await startModelServer([
      { content: "extracted_final_answer: Paris\nreasoning: same city\ncorrect: yes\nconfidence: 70%" },
    ]);
    const scored = await hleJudgeScorer.score(item, "Paris", {
      strict: false,
      judge: judgeFor(server.baseUrl),
    });
    expect(scored).toMatchObject({ correct: true, extracted: "Paris", metrics: { confidence: 70 } });
  });

  it("DeepEyesV2: the boxed verdict; a user template and parser replace the defaults", async () => {
    server = await startModelServer([
      { content: "<think>same</think>\\boxed{Yes}" },
      { content: "the eyes have it" },
    ]);
    const judge = judgeFor(server.baseUrl, {
      template: "Q={{question}} GOLD={{correct_answer}} ANSWER={{response}}",
    });
    expect(await yesNoJudgeScorer.score(item, "Paris", { strict: false, judge })).toMatchObject({
      correct: true,
    });
    expect(server.requests[0]!.body.messages[0].content).toBe(
      "Q=Which city is this? GOLD=Paris ANSWER=Paris",
    );
    const strictParser = judgeFor(server.baseUrl, { parser: "deepeyes-v2-strict" });
    expect(await yesNoJudgeScorer.score(item, "Paris", { strict: false, judge: strictParser })).toMatchObject(
      { correct: false },
    );
  });

  it("a template Mustache cannot parse is a config error before any call", () => {
    expect(() => judgeFor("http://127.0.0.1:9/v1", { template: "{{#open}} never closed" })).toThrow(
      /cannot be read as Mustache/,
    );
  });

  it("a judge that keeps failing is retried, then reported on its item; the others are scored", async () => {
    let calls = 0;
    server = await startModelServer((request) => {
      calls++;
      const prompt: string = request.body.messages[0].content;
      return prompt.includes("broken") ? { status: 503, error: { message: "overloaded" } } : { content: "A" };
    });
    const items = [
      item,
      testItem({ id: "q2", benchmark: "simplevqa", question: "broken question", answer: "x" }),
    ];
    const report = await scorePredictions(
      items,
      new Map([
        ["q1", "Paris"],
        ["q2", "y"],
      ]),
      { benchmark: "livevqa", judge: judgeFor(server.baseUrl, { maxRetries: 2 }) },
    );
    expect(calls).toBe(1 + 3);
    expect(report.summary.judgeFailures).toEqual(["q2"]);
    expect(report.items[1]).toMatchObject({ correct: false, judge: [{ verdict: "error" }] });
    expect(report.items[1]!.judgeError).toMatch(/503|overloaded/);
    // LiveVQA leaves items its judge could not grade out of the figures; they are still listed.
    expect(report.summary.overall).toMatchObject({ value: 1, n: 1 });
    expect(report.summary.metrics.judgeErrors).toBe(1);
  });

  it("SimpleVQA's own judge: a JSON object whose first value is the grade in Chinese", async () => {
    server = await startModelServer([{ content: '```json\n{"预测答案0": "**正确**"}\n```' }]);
    const report = await scorePredictions([item], new Map([["q1", "Paris"]]), {
      benchmark: "simplevqa",
      judge: judgeFor(server.baseUrl),
    });
    expect(report.summary.scorer).toBe("simplevqa-judge");
    expect(report.items[0]).toMatchObject({
      correct: true,
      attempted: true,
      judge: [{ verdict: "correct" }],
    });
    expect(server.requests[0]!.body.messages[0].content).toContain(
      "Standard answer: Paris\nPrediction 0: Paris\n",
    );
  });

  it("asks for a judge when the benchmark needs one", async () => {
    await expect(
      scorePredictions([item], new Map([["q1", "Paris"]]), { benchmark: "simplevqa" }),
    ).rejects.toThrow(/--judge-model/);
  });
});
