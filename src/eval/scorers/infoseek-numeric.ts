/**
 * InfoSeek's numeric rules (edchengg/infoseek_eval infoseek_eval.py), quirks kept:
 * - `process_numerical_answer` reads the first two numbers; two in increasing order are a range,
 *   two in decreasing order are the first number alone, none is the range [0, 0];
 * - a digit followed by "-" is a range dash ("9-10"), a "-" after anything else is a sign;
 * - a scalar gold becomes [0.9 x, 1.1 x] (for a negative gold that range is empty: nothing is
 *   inside); released golds are already ranges;
 * - a predicted number scores when inside the gold range (inclusive); a predicted range when both
 *   ends are inside, or when its IoU with the gold range is at least 0.5 (less 1e-12).
 */
export type NumericAnswer = number | [number, number];

const numberPattern = /[-+]?[.]?[\d]+(?:,\d\d\d)*[.]?\d*(?:[eE][-+]?\d+)?/g;

/** `clean_str_range`: " - " for each "-" that follows a digit. */
function spaceRangeDashes(text: string): string {
  let result = "";
  for (let index = 0; index < text.length; index++) {
    const char = text[index]!;
    result += char === "-" && index >= 1 && /\d/.test(text[index - 1]!) ? " - " : char;
  }
  return result;
}

/** Python's `str.strip('.')`. */
function stripDots(text: string): string {
  return text.replace(/^\.+|\.+$/g, "");
}

export function processNumericalAnswer(text: string): NumericAnswer {
  const found = spaceRangeDashes(text).match(numberPattern) ?? [];
  const numbers = found
    .map((piece) => stripDots(piece.replaceAll(",", "")))
    .map((piece) => Number((piece.split(".").length > 2 ? piece.split(".")[0] : piece) || "NaN"))
    .slice(0, 2);
  if (numbers.length === 2) {
    const [first, second] = numbers as [number, number];
    return first <= second ? [first, second] : first;
  }
  if (numbers.length === 1) return numbers[0]!;
  return [0, 0];
}

function rangeIoU(a: [number, number], b: [number, number]): number {
  const [minA, maxA] = [Math.min(...a), Math.max(...a)];
  const [minB, maxB] = [Math.min(...b), Math.max(...b)];
  const overlap = Math.max(0, Math.min(maxA, maxB) - Math.max(minA, minB));
  const lengthA = maxA - minA + 1e-12;
  const lengthB = maxB - minB + 1e-12;
  const union = lengthA + lengthB - overlap;
  return union !== 0 ? overlap / union : 0;
}

export function numericalRangeScore(prediction: NumericAnswer, gold: NumericAnswer, tolerance = 0.1): 0 | 1 {
  const range: [number, number] = Array.isArray(gold)
    ? gold
    : [gold * (1 - tolerance), gold * (1 + tolerance)];
  if (!Array.isArray(prediction)) return range[0] <= prediction && prediction <= range[1] ? 1 : 0;
  const [low, high] = prediction;
  if (range[0] <= low && low <= range[1] && range[0] <= high && high <= range[1]) return 1;
  return rangeIoU(prediction, range) >= 0.5 - 1e-12 ? 1 : 0;
}
