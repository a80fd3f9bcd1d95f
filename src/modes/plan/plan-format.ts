import { z } from "zod";

/**
 * The plan format of Skywork-R1V4's planner (paper, Table 3): a JSON array of steps, each
 * `{"description", "tool_name", "parameters"}`; `tool_name` is a tool or "none" (reasoning), and
 * a step that needs an earlier result says so with a placeholder such as "[Person from Step 1]"
 * in its description and parameters. Loupe accepts any tool of the run, not only the planner's
 * four, and an explicit `depends_on` list besides the placeholders.
 */
export const planStepSchema = z.object({
  description: z.string().trim().min(1),
  tool_name: z.string().trim().min(1),
  parameters: z.record(z.string(), z.unknown()).default({}),
  /** Step numbers this step needs, when a planner writes them out (placeholders imply them too). */
  depends_on: z.array(z.number().int()).optional(),
});
export type PlanStepInput = z.infer<typeof planStepSchema>;

/** The tool name of a step that runs no tool: the executor model reasons over earlier results. */
export const noTool = "none";

/** One step as the executor runs it: numbered from 1 across the whole run (revisions go on counting). */
export interface PlanStep {
  /** "Step N" in placeholders. */
  number: number;
  description: string;
  /** A tool of the run, or "none". */
  tool: string;
  parameters: Record<string, unknown>;
  /** Steps whose results this one needs: its placeholders' steps and its `depends_on`. */
  dependsOn: number[];
}

export interface Plan {
  steps: PlanStep[];
  /** The planner's reasoning (a <think> block or reasoning_content), kept for the trajectory. */
  reasoning?: string;
}

/** The JSON schema a structured-output planner is held to (response_format json_schema). */
export const planJsonSchema = {
  type: "object",
  additionalProperties: false,
  required: ["steps"],
  properties: {
    steps: {
      type: "array",
      minItems: 1,
      items: {
        type: "object",
        additionalProperties: false,
        required: ["description", "tool_name", "parameters"],
        properties: {
          description: { type: "string" },
          tool_name: { type: "string" },
          parameters: { type: "object" },
        },
      },
    },
  },
} as const;
