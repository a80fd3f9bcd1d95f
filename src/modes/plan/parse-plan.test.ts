import { describe, expect, it } from "vitest";
import { z } from "zod";
import type { AnyTool } from "../../core/tool.js";
import { parsePlan } from "./parse-plan.js";
import { validatePlan } from "./validate-plan.js";

/** The paper's Table 3 example, as printed (a JSON array of step objects). */
const table3Array = `[{
"description": "Identify the person shown in the image...",
"tool_name": "image_search",
"parameters": {"image_path": "/data/images/person_1.png"}
}, {
"description": "Find which team [Person from Step 1] plays for.",
"tool_name": "text_search",
"parameters": {"query": "[Person from Step 1] team"}
}, {
"description": "Check the findings and answer.",
"tool_name": "none",
"parameters": {}
}]`;

/** The paper's Figure 4 (Plan Mode), as printed: a <think> block, then a numbered list. */
const figure4 = `<think> The user is asking about a person's team win
rate in the 2025 League of Legends World Championship (S Series). The
image shows a person in a gaming setting wearing a Telcom-sponsored
hoodie. Let me break down what needs to be done:
1. First, I need to identify who this person is using image search
2. Then find out which team they play for
Let me create a step-by-step plan:
Step 1: Use image_search to identify the person in the image
Step 2: Use text_search to find out which team this person plays for
Let me format this properly as a JSON array:</think>
1. Step 1(image_search): Identify the person shown in the image
using reverse image search.image_path = "image path"
2. Step 2(text_search): Search for information about which
team the identified person plays for in League of Legends.
query = "[Person identified in Step 1] team League
of Legends current"
3. Step 3(text_search): Search for the team performance and
win rate of the identified team in the 2025 League of Legends
World Championship (S Series).query = "[Team from Step 2]
2025 League of Legends World Championship S Series
win rate performance"
4. Step 4(web_visit): Visit a reliable esports statistics website or offi-
cialLoLChampionshippagetoverifytheteam's winrateinthe2025
World Championship. url = "[URL from Step 3 containing
team statistics]"
5. Step 5(none): Analyze the gathered information to determine the
specific win rate of the team in the 2025 League of Legends World
Championship.`;

function tool(name: string, parameters: z.ZodType): AnyTool {
  return { name, description: `${name}.`, parameters, execute: async () => ({ text: "", images: [] }) };
}

/** The R1V4 planner's three tools with Loupe's argument schemas. */
const tools: AnyTool[] = [
  tool("image_search", z.object({ images: z.array(z.string()).optional(), query: z.string().optional() })),
  tool("text_search", z.object({ queries: z.array(z.string()).min(1) })),
  tool("web_visit", z.object({ urls: z.array(z.string()).min(1) })),
];
const rules = { tools, firstNumber: 1, doneSteps: new Set<number>(), maxSteps: 10, imageLabels: ["image_1"] };

describe("parsePlan: the R1V4 paper's plan shapes", () => {
  it("reads Table 3's JSON array of {description, tool_name, parameters}", () => {
    const parsed = parsePlan(table3Array);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.steps.map((step) => step.tool_name)).toEqual(["image_search", "text_search", "none"]);
    const check = validatePlan(parsed.steps, rules);
    expect(check.ok && check.steps[1]?.dependsOn).toEqual([1]);
  });

  it('reads Figure 4: a <think> block, then the numbered list with key = "value" parameters', () => {
    const parsed = parsePlan(figure4);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.reasoning).toContain("Let me create a step-by-step plan");
    expect(parsed.steps.map((step) => step.tool_name)).toEqual([
      "image_search",
      "text_search",
      "text_search",
      "web_visit",
      "none",
    ]);
    expect(parsed.steps[0]).toMatchObject({
      description: "Identify the person shown in the image using reverse image search.",
      parameters: { image_path: "image path" },
    });
    // Line breaks inside a wrapped value are spaces.
    expect(parsed.steps[1]?.parameters).toEqual({
      query: "[Person identified in Step 1] team League of Legends current",
    });
    expect(parsed.steps[3]?.parameters).toEqual({ url: "[URL from Step 3 containing team statistics]" });
    expect(parsed.steps[4]?.parameters).toEqual({});
    const check = validatePlan(parsed.steps, rules);
    expect(check.ok).toBe(true);
    if (check.ok) expect(check.steps.map((step) => step.dependsOn)).toEqual([[], [1], [2], [3], []]);
  });

  it("reads a <plan> wrapper, a code fence, typographic quotes and parameters given as a JSON string", () => {
    const wrapped = `<think>Two searches, then check.</think>
<plan>
\`\`\`json
[{"description": "Identify the landmark.", "tool_name": "image_search", "parameters": "{\\"image_path\\": \\"<image>\\"}"},
 {“description”: “Find its height.”, “tool_name”: “text_search”, “parameters”: {“query”: “[Landmark from Step 1] height”}},
 {"description": "Verify and answer.", "tool_name": "none", "parameters": {},},]
\`\`\`
</plan>`;
    const parsed = parsePlan(wrapped);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.steps[0]?.parameters).toEqual({ image_path: "<image>" });
    expect(parsed.steps[1]?.parameters).toEqual({ query: "[Landmark from Step 1] height" });
    expect(validatePlan(parsed.steps, rules).ok).toBe(true);
  });

  it('reads structured output\'s {"steps": [...]} and the printed tool name spacing ("image _search")', () => {
    const parsed = parsePlan(
      '{"steps": [{"description": "Look it up.", "tool_name": "image _search", "parameters": {"image _path": "x.png"}}, {"description": "Answer.", "tool_name": "None", "parameters": {}}]}',
    );
    expect(parsed.ok && parsed.steps.map((step) => step.tool_name)).toEqual(["image_search", "none"]);
  });

  it("says why a reply is no plan", () => {
    const parsed = parsePlan("I would search for the person first.");
    expect(parsed).toMatchObject({ ok: false, message: "it holds no JSON array of steps" });
  });
});

describe("validatePlan", () => {
  it("names unknown tools, placeholders to later or failed steps, bad parameters and a missing final step", () => {
    const parsed = parsePlan(`[
      {"description": "Crop the face.", "tool_name": "crop_face", "parameters": {}},
      {"description": "Search [Name from Step 3].", "tool_name": "text_search", "parameters": {"query": "[Name from Step 3]"}},
      {"description": "Visit.", "tool_name": "web_visit", "parameters": {"address": "x"}}
    ]`);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    const check = validatePlan(parsed.steps, rules);
    expect(check.ok).toBe(false);
    if (check.ok) return;
    expect(check.problems).toEqual([
      'Step 1: tool_name "crop_face" is not one of: image_search, text_search, web_visit, none.',
      "Step 2 refers to Step 3, which does not come before it.",
      "Step 3: parameters do not fit web_visit (urls: Invalid input: expected array, received undefined).",
      'The last step (Step 3) must be a verification step with "tool_name": "none" that checks the findings and answers.',
    ]);
  });

  it("lets a revision refer to steps that succeeded, and not to one that failed", () => {
    const parsed = parsePlan(
      '[{"description": "Search [Team from Step 2] and [Name from Step 1].", "tool_name": "text_search", "parameters": {"query": "[Team from Step 2] [Name from Step 1]"}}, {"description": "Answer.", "tool_name": "none", "parameters": {}}]',
    );
    if (!parsed.ok) throw new Error(parsed.message);
    const check = validatePlan(parsed.steps, { ...rules, firstNumber: 4, doneSteps: new Set([1, 3]) });
    expect(check).toEqual({ ok: false, problems: ["Step 4 refers to Step 2, which has no result to use."] });
  });

  it("refuses a plan far longer than plan.maxSteps, quickly", () => {
    const huge = JSON.stringify(
      Array.from({ length: 10_000 }, (_, index) => ({
        description: `Search [Thing from Step ${index}].`,
        tool_name: "text_search",
        parameters: { query: `[Thing from Step ${index}]` },
      })),
    );
    const startedAt = performance.now();
    const parsed = parsePlan(huge);
    if (!parsed.ok) throw new Error(parsed.message);
    const check = validatePlan(parsed.steps, rules);
    expect(performance.now() - startedAt).toBeLessThan(2_000);
    expect(check.ok === false && check.problems[0]).toBe("The plan has 10000 steps; at most 10 are allowed.");
  });
});
