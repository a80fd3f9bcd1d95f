import { describe, expect, it } from "vitest";
import { boxesIn, meanBestIoU } from "./box-iou.js";
import { testItem } from "./scorer-test-support.js";
import { treebenchScorer } from "./treebench-scorer.js";

const targets: [number, number, number, number][] = [
  [0, 0, 10, 10],
  [20, 20, 30, 30],
];

/** (response, TreeBench's evaluate_box_iou on the text), checked against upstream's Python. */
const table: [string, number][] = [
  ["<box>[0,0,10,10]</box>", 0.5],
  // Quirk: spaces inside the brackets do not match `\[(\d+),(\d+),(\d+),(\d+)\]`.
  ["<box>[0, 0, 10, 10]</box>", 0],
  ["<box>[10,10,0,0]</box>", 0],
  ["<box>[0,0,10,10]</box><box>[20,20,30,30]</box>", 1],
  ["<box>[0,0,5,10]</box>", 0.25],
  ["none", 0],
  // `re.match` anchors only the start: text after the box is fine.
  ["<box>[0,0,10,10] extra</box>", 0.5],
];

describe("TreeBench box mIoU", () => {
  it.each(table)("%j → %d", (response, expected) => {
    expect(meanBestIoU(boxesIn(response), targets)).toBeCloseTo(expected, 12);
  });

  it("reads boxes from the first <think> only, when there is one", () => {
    expect(meanBestIoU(boxesIn("<think>no box</think> <box>[0,0,10,10]</box>"), targets)).toBe(0);
    expect(meanBestIoU(boxesIn("<think><box>[0,0,10,10]</box></think>"), targets)).toBe(0.5);
  });

  it("scores 1 when there is a box and no target (Python's True)", () => {
    expect(meanBestIoU(boxesIn("<box>[1,1,2,2]</box>"), [])).toBe(1);
  });

  it("strict reads spaces and decimals", () => {
    expect(meanBestIoU(boxesIn("<box>[0, 0, 10.0, 10]</box>", true), targets)).toBe(0.5);
  });

  it("scores the letter from <answer> and the mIoU together", async () => {
    const item = testItem({
      benchmark: "treebench",
      answer: "B",
      choices: ["left", "right"],
      category: "Perception/Attributes",
      meta: { targetInstances: "[[0, 0, 10, 10]]" },
    });
    const scored = await treebenchScorer.score(
      item,
      "<think><box>[0,0,10,10]</box></think><answer>b</answer>",
      {
        strict: true,
      },
    );
    expect(scored).toMatchObject({ extracted: "B", correct: true, metrics: { iou: 1, strictIou: 1 } });
  });
});
