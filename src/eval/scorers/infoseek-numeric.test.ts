import { describe, expect, it } from "vitest";
import { type NumericAnswer, numericalRangeScore, processNumericalAnswer } from "./infoseek-numeric.js";

/** (text, process_numerical_answer), checked against InfoSeek's infoseek_eval.py in Python. */
const numbers: [string, NumericAnswer][] = [
  ["9-10 m", [9, 10]],
  ["about 1,200 people", 1200],
  // Quirk: two numbers in decreasing order are the first number alone.
  ["between 12 and 7", 12],
  // Quirk: no number is the range [0, 0].
  ["no idea", [0, 0]],
  ["-5 degrees", -5],
  // Quirk: strip('.') also removes a leading dot.
  [".5", 5],
  ["1.2.3", [1.2, 3]],
  ["3e2", 300],
  ["from 5 to 10 to 15", [5, 10]],
  ["+4", 4],
  ["2010-2012", [2010, 2012]],
];

/** (prediction, gold, metric_numerical_range). */
const ranges: [NumericAnswer, NumericAnswer, 0 | 1][] = [
  [5, [4, 6], 1],
  [[4, 5], [4, 6], 1],
  // IoU 1/3: below 0.5.
  [[3, 5], [4, 6], 0],
  [[0, 10], [4, 6], 0],
  // A scalar gold is ±10%.
  [100, 95, 1],
  [105, 95, 0],
  // Quirk: for a negative gold the ±10% range is empty.
  [-10, -10, 0],
  [[0, 0], [0, 1], 1],
  [[4.5, 7.5], [4, 6], 0],
  [[4, 7], [4, 6], 1],
  // IoU exactly 0.5 (the 1e-12 slack keeps it in); 0.4 is out.
  [[4, 8], [4, 6], 1],
  [[4, 9], [4, 6], 0],
];

describe("InfoSeek numeric rules", () => {
  it.each(numbers)("reads %j as %j", (text, expected) => {
    expect(processNumericalAnswer(text)).toEqual(expected);
  });

  it.each(ranges)("%j against %j scores %d", (prediction, gold, expected) => {
    expect(numericalRangeScore(prediction, gold)).toBe(expected);
  });
});
