import { firstTagContent, pythonStrip } from "./answer-tags.js";

/**
 * TreeBench's `evaluate_box_iou` (VLMEvalKit vlmeval/dataset/image_mcq.py TreeBench): boxes are
 * `<box>[x1,y1,x2,y2]</box>` in the first `<think>` (or the whole response without one), matched
 * with `re.match(r'\[(\d+),(\d+),(\d+),(\d+)\]')`: integers, no spaces, anything may follow; kept
 * only when x1 < x2 and y1 < y2. No box: 0. No target box: 1 (Python's `True`). Otherwise each
 * target takes its best IoU over the predicted boxes, averaged over targets.
 * The strict variant also reads spaces and decimals ("[10, 20.5, 30, 40]").
 */
export type Box = [number, number, number, number];

const officialBox = /^\[(\d+),(\d+),(\d+),(\d+)\]/;
const strictBox =
  /^\[\s*(\d+(?:\.\d+)?)\s*,\s*(\d+(?:\.\d+)?)\s*,\s*(\d+(?:\.\d+)?)\s*,\s*(\d+(?:\.\d+)?)\s*\]/;

export function boxesIn(response: string, strict = false): Box[] {
  const thinking = firstTagContent(response, "think");
  const text = thinking === undefined ? response : pythonStrip(thinking);
  const boxes: Box[] = [];
  for (const match of text.matchAll(/<box>([\s\S]*?)<\/box>/g)) {
    const coordinates = (strict ? strictBox : officialBox).exec(pythonStrip(match[1]!));
    if (!coordinates) continue;
    const [x1, y1, x2, y2] = coordinates.slice(1, 5).map(Number) as Box;
    if (x1 < x2 && y1 < y2) boxes.push([x1, y1, x2, y2]);
  }
  return boxes;
}

function iou(a: Box, b: Box): number {
  const width = Math.max(0, Math.min(a[2], b[2]) - Math.max(a[0], b[0]));
  const height = Math.max(0, Math.min(a[3], b[3]) - Math.max(a[1], b[1]));
  const inter = width * height;
  const union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter;
  return union > 0 ? inter / union : 0;
}

export function meanBestIoU(predicted: readonly Box[], targets: readonly Box[]): number {
  if (predicted.length === 0) return 0;
  if (targets.length === 0) return 1;
  let total = 0;
  for (const target of targets) {
    let best = 0;
    for (const box of predicted) best = Math.max(best, iou(target, box));
    total += best;
  }
  return total / targets.length;
}
