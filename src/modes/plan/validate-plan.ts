import type { AnyTool } from "../../core/tool.js";
import { dependenciesOf } from "./placeholders.js";
import { argumentProblems, toolArguments } from "./plan-arguments.js";
import { noTool, type PlanStep, type PlanStepInput } from "./plan-format.js";

export interface PlanRules {
  /** The run's tools: a step names one of them, or "none". */
  tools: readonly AnyTool[];
  /** The number of the plan's first step: 1, or the next number when the rest of a plan is revised. */
  firstNumber: number;
  /** Steps before firstNumber whose results a revised plan may refer to (those that succeeded). */
  doneSteps: ReadonlySet<number>;
  maxSteps: number;
  /** The run's image labels (image_1, ...), for image parameters. */
  imageLabels: readonly string[];
}

export type PlanCheck = { ok: true; steps: PlanStep[] } | { ok: false; problems: string[] };

/**
 * Checks a parsed plan before anything runs: a known tool for every step, parameters its tool
 * accepts, placeholders that name earlier steps only (or, in a revision, steps that succeeded),
 * at most maxSteps steps, and a last step with tool "none" that verifies and answers. Each
 * problem is one line naming the step, written for the planner, who is asked to fix them.
 */
export function validatePlan(inputs: readonly PlanStepInput[], rules: PlanRules): PlanCheck {
  const problems: string[] = [];
  const toolByName = new Map(rules.tools.map((tool) => [tool.name, tool]));
  const allowed = [...toolByName.keys(), noTool].join(", ");
  if (inputs.length === 0) problems.push("The plan has no steps.");
  // A plan too long is sent back at once: its steps are not worth checking one by one.
  if (inputs.length > rules.maxSteps)
    return {
      ok: false,
      problems: [`The plan has ${inputs.length} steps; at most ${rules.maxSteps} are allowed.`],
    };
  const steps = inputs.map((input, index): PlanStep => {
    const number = rules.firstNumber + index;
    return {
      number,
      description: input.description,
      tool: input.tool_name,
      parameters: input.parameters,
      dependsOn: dependenciesOf(input.description, input.parameters, input.depends_on),
    };
  });
  for (const step of steps) {
    const name = `Step ${step.number}`;
    const tool = toolByName.get(step.tool);
    if (step.tool !== noTool && !tool)
      problems.push(`${name}: tool_name "${step.tool}" is not one of: ${allowed}.`);
    for (const needed of step.dependsOn) {
      if (needed >= step.number)
        problems.push(`${name} refers to Step ${needed}, which does not come before it.`);
      else if (needed < rules.firstNumber && !rules.doneSteps.has(needed))
        problems.push(`${name} refers to Step ${needed}, which has no result to use.`);
    }
    if (tool) {
      const problem = argumentProblems(tool, toolArguments(tool, step.parameters, rules.imageLabels));
      if (problem) problems.push(`${name}: parameters do not fit ${tool.name} (${problem}).`);
    }
  }
  const last = steps.at(-1);
  if (last && last.tool !== noTool)
    problems.push(
      `The last step (Step ${last.number}) must be a verification step with "tool_name": "none" that checks the findings and answers.`,
    );
  return problems.length > 0 ? { ok: false, problems } : { ok: true, steps };
}
