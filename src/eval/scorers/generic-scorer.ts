import { lastTagContent, pythonStrip } from "./answer-tags.js";
import { exactMatch } from "./fvqa-scorer.js";
import type { ScoredItem, Scorer } from "./scorer.js";
import { vlmevalkitMcqScorer } from "./vlmevalkit-mcq-scorer.js";

/**
 * Users' own sets (the generic JSONL/CSV format): an item with options is scored as VLMEvalKit
 * scores multiple choice; one without, by exact match after SQuAD normalisation against the
 * answer and its aliases, on the last `<answer>` content when there is one, else the whole response.
 */
export const genericScorer: Scorer = {
  name: "generic",
  upstream: "VLMEvalKit can_infer for options; SQuAD-normalised exact match otherwise",
  needsJudge: false,
  hasStrict: true,
  score(item, response, context): ScoredItem | Promise<ScoredItem> {
    if (item.choices && item.choices.length > 0) return vlmevalkitMcqScorer.score(item, response, context);
    const tagged = lastTagContent(response, "answer");
    const answer = pythonStrip(tagged ?? response);
    const correct = exactMatch(answer, [item.answer, ...(item.aliases ?? [])]);
    return {
      id: item.id,
      extracted: answer,
      correct,
      score: correct ? 1 : 0,
      why: correct
        ? "normalised answer equals a gold answer"
        : "no gold answer matches the normalised answer",
    };
  },
};
