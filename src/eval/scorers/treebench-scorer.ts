import { LoupeError } from "../../core/errors.js";
import type { EvalItem } from "../eval-item.js";
import { type Box, boxesIn, meanBestIoU } from "./box-iou.js";
import { extractStrict, extractVlmevalkit } from "./mme-realworld-choice.js";
import type { ScoredItem, Scorer } from "./scorer.js";

/**
 * TreeBench (VLMEvalKit TreeBench.evaluate): the letter as VLMEvalKit's MME-RealWorld reads it
 * (first `<answer>` upper-cased, then `extract_characters_regex`), and the box mIoU of
 * box-iou.ts against `target_instances` (the loader's `meta.targetInstances`).
 */
function targetsOf(item: EvalItem): Box[] {
  const raw = item.meta.targetInstances ?? item.meta.target_instances ?? [];
  const parsed = typeof raw === "string" ? parseTargets(item, raw) : raw;
  if (!Array.isArray(parsed))
    throw new LoupeError("eval-data", `TreeBench item ${item.id}: target_instances is not a list.`);
  return parsed.map((box) => (box as unknown[]).slice(0, 4).map(Number) as Box);
}

function parseTargets(item: EvalItem, text: string): unknown {
  try {
    // The TSV holds a Python literal; for lists of numbers it is also JSON.
    return JSON.parse(text);
  } catch {
    throw new LoupeError(
      "eval-data",
      `TreeBench item ${item.id}: target_instances ${JSON.stringify(text.slice(0, 80))} is not a list of boxes.`,
    );
  }
}

export const treebenchScorer: Scorer = {
  name: "treebench",
  upstream: "open-compass/VLMEvalKit vlmeval/dataset/image_mcq.py TreeBench.evaluate / evaluate_box_iou",
  needsJudge: false,
  hasStrict: true,
  score(item, response, context): ScoredItem {
    const extracted = extractVlmevalkit(response);
    const correct = extracted !== "" && extracted === item.answer;
    const targets = targetsOf(item);
    const iou = meanBestIoU(boxesIn(response), targets);
    const scored: ScoredItem = {
      id: item.id,
      extracted,
      correct,
      score: correct ? 1 : 0,
      why: `${extracted === "" ? "no letter read" : `read ${extracted}`}; gold ${item.answer}; box mIoU ${iou.toFixed(3)}`,
      metrics: { iou },
    };
    if (context.strict) {
      const strict = extractStrict(response);
      const strictIou = meanBestIoU(boxesIn(response, true), targets);
      scored.strict = {
        correct: strict !== "" && strict === item.answer,
        extracted: strict,
        why: `strict: ${strict === "" ? "no letter" : strict}; box mIoU ${strictIou.toFixed(3)}`,
      };
      scored.metrics = { iou, strictIou };
    }
    return scored;
  },
};
