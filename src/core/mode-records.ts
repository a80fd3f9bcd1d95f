import { z } from "zod";

/**
 * What the plan and research modes add to a trajectory (optional fields: trajectories of other
 * runs, and files written before these modes, read as before; TRAJECTORY_VERSION stays 1).
 */

const plannedStepSchema = z.object({
  number: z.number(),
  description: z.string(),
  tool: z.string(),
  parameters: z.record(z.string(), z.unknown()),
  dependsOn: z.array(z.number()),
});

export const planRecordSchema = z.object({
  planner: z.object({ model: z.string(), baseUrl: z.string(), format: z.string() }),
  /** The first plan, then each revision of the steps still to run, with why it was asked for. */
  revisions: z.array(
    z.object({
      reason: z.string().optional(),
      steps: z.array(plannedStepSchema),
      reasoning: z.string().optional(),
      /** The planner's replies, with the problems that sent a reply back to be fixed. */
      attempts: z.array(
        z.object({
          reply: z.string(),
          reasoning: z.string().optional(),
          problems: z.array(z.string()).optional(),
        }),
      ),
    }),
  ),
  /** Every step that ran, in the order it finished. */
  executed: z.array(
    z.object({
      number: z.number(),
      revision: z.number(),
      status: z.enum(["done", "empty", "failed"]),
      /** The `index` of its record in `steps` (numbered from 1). */
      trajectoryStep: z.number(),
      startedAt: z.string(),
      durationMs: z.number(),
      /** How each placeholder was filled: from the result itself, or read out by the executor model. */
      resolved: z.array(
        z.object({ placeholder: z.string(), value: z.string(), by: z.enum(["result", "model"]) }),
      ),
      note: z.string().optional(),
    }),
  ),
});
export type PlanRecord = z.infer<typeof planRecordSchema>;

export const evidenceSchema = z.object({
  /** Its number in the report's citations: [1], [2], ... */
  id: z.number(),
  kind: z.enum(["passage", "page", "image", "image-hit"]),
  /** The quoted text (a snippet, a page's content); for images their description. */
  text: z.string(),
  title: z.string().optional(),
  /** Where it came from: a URL, a local document's file:// URL. */
  url: z.string().optional(),
  /** An image (a crop, a thumbnail) in the trajectory's images. */
  imageId: z.string().optional(),
  /** Which sub-agent run, step and tool call produced it. */
  source: z.object({
    subQuestion: z.number(),
    runId: z.string(),
    step: z.number(),
    callId: z.string(),
    tool: z.string(),
  }),
});
export type Evidence = z.infer<typeof evidenceSchema>;

export const citationCheckSchema = z.object({
  sentence: z.string(),
  cited: z.array(z.number()),
  supported: z.boolean(),
  /** Why: "quote found in [2]", "82% of its words in [1]", "cites [9], which is not stored", "no citation". */
  reason: z.string(),
});
export type CitationCheck = z.infer<typeof citationCheckSchema>;

export const researchRecordSchema = z.object({
  subQuestions: z.array(
    z.object({
      question: z.string(),
      round: z.number(),
      runId: z.string(),
      stopReason: z.string(),
      answer: z.string().optional(),
      /** The `index` of its first and last steps in `steps` (numbered from 1 across the sub-agents). */
      steps: z.tuple([z.number(), z.number()]).optional(),
    }),
  ),
  evidence: z.array(evidenceSchema),
  report: z.string(),
  shortAnswer: z.string().optional(),
  citations: z.array(citationCheckSchema),
  /** Sentences the verification pass flagged: no citation, or cited evidence that does not say it. */
  unsupported: z.array(z.string()),
  /** Why the research stopped gathering: "answered", a budget, "rounds". */
  stoppedGathering: z.string(),
});
export type ResearchRecord = z.infer<typeof researchRecordSchema>;
