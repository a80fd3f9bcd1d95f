import type { AnyTool } from "../../core/tool.js";

/**
 * The planner's system prompt: R1V4's plan format (paper, Table 3) in Loupe's own words, naming
 * the run's tools. A user's file (plan.promptFile) replaces it; `{{tools}}` in that file becomes
 * the tool list. The structured-output variant says less about the format: the server's
 * response_format holds the model to the schema.
 */
export function plannerSystemPrompt(
  tools: readonly AnyTool[],
  options: { format: "r1v4" | "json-schema"; template?: string },
): string {
  const toolList = describeTools(tools);
  if (options.template !== undefined) return options.template.replaceAll("{{tools}}", toolList);
  const output =
    options.format === "json-schema"
      ? 'Reply with a JSON object {"steps": [...]} holding the steps.'
      : "Reply with the JSON array of steps and nothing else: no prose, no markdown.";
  return `You plan how to answer a question about an image (or without one) with tools; another model carries out your plan.

Write the plan as a JSON array of steps. Each step is an object with three keys:
- "description": what the step does, precisely, in one or two sentences.
- "tool_name": the tool the step uses, or "none" for a step that only reasons over earlier results.
- "parameters": the tool's parameters as a JSON object ({} for "none").

Tools:
${toolList}
- none: reason over the results of earlier steps. Parameters: {}.

When a step needs the result of an earlier step, write a placeholder naming that step, such as [Person from Step 1] or [URL from Step 3], in its description and in its parameters; the executor fills it in. A step may only refer to steps before it.

Keep steps short, concrete and necessary: 2 to 10 of them. Steps that do not depend on each other run at the same time. End with a step whose "tool_name" is "none" that checks the findings against the question and gives the answer.

Example:
[{"description": "Identify the landmark in the image.", "tool_name": "image_search", "parameters": {"image_path": "image_1"}},
 {"description": "Find when [Landmark from Step 1] was built.", "tool_name": "text_search", "parameters": {"query": "[Landmark from Step 1] construction year"}},
 {"description": "Check the year against the sources and answer.", "tool_name": "none", "parameters": {}}]

${output}`;
}

/** One line per tool: name, what it does, its parameters. Singular R1V4 spellings are accepted too. */
function describeTools(tools: readonly AnyTool[]): string {
  return tools
    .map((tool) => {
      const shape = plannerParameters[tool.name] ?? "its arguments as a JSON object";
      return `- ${tool.name}: ${tool.description} Parameters: ${shape}.`;
    })
    .join("\n");
}

/** The parameters R1V4's planner was trained to write for its tools. */
const plannerParameters: Record<string, string> = {
  image_search: '{"image_path": "image_1"} (an image of the run: image_1 is the input)',
  text_search: '{"query": "<query>"}',
  web_visit: '{"url": "<URL>"}',
};
