import { describe, expect, it } from "vitest";
import { fvqaScorer } from "./fvqa-scorer.js";
import { genericScorer } from "./generic-scorer.js";
import { infoseekScorer } from "./infoseek-scorer.js";
import { mmeRealWorldScorer, mmeRealWorldVlmevalkitScorer } from "./mme-realworld-scorer.js";
import { mmsearchF1Scorer } from "./mmsearch-f1-scorer.js";
import { testItem } from "./scorer-test-support.js";
import { vlmevalkitMcqScorer } from "./vlmevalkit-mcq-scorer.js";

const official = { strict: false };
const strict = { strict: true };

describe("rule scorers on EvalItems", () => {
  const vstar = testItem({ benchmark: "vstar", answer: "A", choices: ["The red bag", "The blue bag"] });

  it("V*: can_infer under exact matching, nothing found being Z", async () => {
    expect(await vlmevalkitMcqScorer.score(vstar, "(A) The red bag", official)).toMatchObject({
      extracted: "A",
      correct: true,
    });
    expect(await vlmevalkitMcqScorer.score(vstar, "the blue bag", official)).toMatchObject({
      extracted: "B",
      correct: false,
    });
    const none = await vlmevalkitMcqScorer.score(vstar, "<answer>A</answer>", strict);
    expect(none).toMatchObject({ extracted: "Z", correct: false, strict: { correct: true, extracted: "A" } });
  });

  it("V*: an item without options is an eval-data error", () => {
    expect(() => vlmevalkitMcqScorer.score(testItem({ answer: "A" }), "A", official)).toThrow(/no options/);
  });

  const mme = testItem({
    benchmark: "mme-realworld",
    answer: "C",
    choices: ["car", "bus", "tram", "van", "taxi"],
    meta: { answerChoices: ["(A) car", "(B) bus", "(C) tram", "(D) van", "(E) taxi"] },
  });

  it("MME-RealWorld: the own script and VLMEvalKit differ on 'Best answer:'", async () => {
    expect(await mmeRealWorldScorer.score(mme, "Best answer: C", strict)).toMatchObject({
      extracted: "B",
      correct: false,
      strict: { correct: true, extracted: "C" },
    });
    expect(await mmeRealWorldVlmevalkitScorer.score(mme, "Best answer: C", official)).toMatchObject({
      extracted: "C",
      correct: true,
    });
    expect(await mmeRealWorldScorer.score(mme, "tram", official)).toMatchObject({
      extracted: "C",
      correct: true,
    });
  });

  it("MMSearch: F1 against the answer and alternatives; correct only at F1 1", async () => {
    const item = testItem({ benchmark: "mmsearch", answer: "Lionel Messi", aliases: ["Messi"] });
    expect(await mmsearchF1Scorer.score(item, "messi", official)).toMatchObject({ score: 1, correct: true });
    const partial = await mmsearchF1Scorer.score(item, "Lionel Andrés Messi", official);
    expect(partial.score).toBeCloseTo(0.8, 12);
    expect(partial.correct).toBe(false);
  });

  it("FVQA: exact match on the last <answer>, substring match beside it", async () => {
    const item = testItem({ benchmark: "fvqa", answer: "Louvre", aliases: ["Musée du Louvre"] });
    expect(
      await fvqaScorer.score(item, "<answer>x</answer><answer>The Louvre.</answer>", official),
    ).toMatchObject({
      extracted: "The Louvre.",
      correct: true,
      metrics: { substringMatch: 1 },
    });
    expect(await fvqaScorer.score(item, "<answer>Louvre Museum</answer>", official)).toMatchObject({
      correct: false,
      metrics: { substringMatch: 1 },
    });
    expect(await fvqaScorer.score(item, "Louvre", official)).toMatchObject({ correct: false, score: 0 });
  });

  it("InfoSeek: numerical by range, time and strings by exact match", async () => {
    const numerical = testItem({
      benchmark: "infoseek",
      answer: "1.0",
      meta: { questionType: "Numerical", answerEval: [{ wikidata: 1.0, range: [0.9, 1.1] }] },
    });
    expect(await infoseekScorer.score(numerical, "about 1.05 km", official)).toMatchObject({
      correct: true,
      extracted: "1.05",
    });
    expect(await infoseekScorer.score(numerical, "2 km", official)).toMatchObject({ correct: false });
    const time = testItem({
      benchmark: "infoseek",
      answer: "1998",
      meta: { questionType: "time", answerEval: ["1998"] },
    });
    // The docstring's ±1 year is not in the code.
    expect(await infoseekScorer.score(time, "1999", official)).toMatchObject({ correct: false });
    expect(await infoseekScorer.score(time, "1998.", official)).toMatchObject({ correct: true });
  });

  it("generic: options as VLMEvalKit, free answers by normalised exact match", async () => {
    expect(await genericScorer.score(vstar, "B", official)).toMatchObject({ correct: false, extracted: "B" });
    const free = testItem({ answer: "Mount Fuji", aliases: ["Fuji"] });
    expect(await genericScorer.score(free, "<answer>fuji</answer>", official)).toMatchObject({
      correct: true,
    });
  });
});

describe("predictions files", () => {
  it("reads ids as strings and names bad lines", async () => {
    const { parsePredictions } = await import("../predictions-file.js");
    expect(
      parsePredictions('{"id": 7, "response": "A"}\n\n{"id": "x", "response": ""}\n', "p.jsonl"),
    ).toEqual(
      new Map([
        ["7", "A"],
        ["x", ""],
      ]),
    );
    expect(() =>
      parsePredictions('{"id": 1, "response": "A"}\n{"id": "1", "response": "B"}', "p.jsonl"),
    ).toThrow(/p.jsonl line 2 repeats the id "1"/);
    expect(() => parsePredictions("not json", "p.jsonl")).toThrow(/p.jsonl line 1 is not JSON/);
    expect(() => parsePredictions('{"response": "A"}', "p.jsonl")).toThrow(/has no "id"/);
  });
});
