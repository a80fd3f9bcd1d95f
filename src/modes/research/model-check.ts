import type { CitationCheck, Evidence } from "../../core/mode-records.js";
import { addUsage, type TokenUsage, zeroUsage } from "../../core/model-output.js";
import { clip, type ModeModel, modelText } from "../model-text.js";

/**
 * The optional second pass (research.modelCheck): a sentence the deterministic rule flagged, but
 * which cites stored evidence, is shown to the model with that evidence, and counts as supported
 * when the model answers "yes". Sentences with no citation, or citing evidence that is not stored,
 * stay flagged: no model can make a missing source say something. The rule's reason is kept.
 */
export async function modelCheckFlagged(
  checks: readonly CitationCheck[],
  evidence: readonly Evidence[],
  model: ModeModel,
  signal: AbortSignal,
  maxChars: number,
): Promise<{ checks: CitationCheck[]; usage: TokenUsage }> {
  const byId = new Map(evidence.map((item) => [item.id, item]));
  let usage = zeroUsage;
  const checked = await Promise.all(
    checks.map(async (check): Promise<CitationCheck> => {
      const cited = check.cited.map((id) => byId.get(id));
      if (check.supported || cited.length === 0 || cited.some((item) => item === undefined)) return check;
      const listing = (cited as Evidence[])
        .map((item) => `[${item.id}] ${clip(`${item.title ? `${item.title}: ` : ""}${item.text}`, maxChars)}`)
        .join("\n");
      const reply = await modelText(
        model,
        [
          {
            role: "system",
            content:
              "You check whether evidence supports a sentence: everything the sentence states must be said by the evidence. Reply with yes or no only.",
          },
          {
            role: "user",
            content: [{ type: "text", text: `Sentence: ${check.sentence}\n\nEvidence:\n${listing}` }],
          },
        ],
        signal,
      );
      usage = addUsage(usage, reply.usage);
      return /^\W*yes\b/i.test(reply.text)
        ? { ...check, supported: true, reason: `the model found it supported (the rule: ${check.reason})` }
        : { ...check, reason: `${check.reason}; the model agreed it is unsupported` };
    }),
  );
  return { checks: checked, usage };
}
