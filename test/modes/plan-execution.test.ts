import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { loupeConfigSchema } from "../../src/core/config.js";
import type { AnyTool } from "../../src/core/tool.js";
import { trajectorySchema } from "../../src/core/trajectory.js";
import { ChatClient } from "../../src/models/chat-client.js";
import { runPlan } from "../../src/modes/plan/run-plan.js";
import { imageTools } from "../../src/tools/image/index.js";
import { modelServer, testImage } from "../agent/agent-harness.js";
import type { RecordedRequest, ScriptedReply } from "../support/model-server.js";

/**
 * The plan executor against the scripted model server, which answers by what each request is:
 * the planner's (its system prompt), a placeholder to read out of a result, or the final answer.
 * The tool is a real tool of the run (a lookup over a small table), so what the steps did shows.
 */

const facts: Record<string, string> = {
  "capital of France": "Results:\n1. Paris is the capital of France.\n2. France is in Europe.",
  "capital of Italy": "Results:\n1. Rome is the capital of Italy.\n2. Italy is in Europe.",
  "population of Paris": "Paris has 2.1 million inhabitants.",
  "population of Rome": "Rome has 2.8 million inhabitants.",
  "area of Rome": "Rome covers 1,285 square kilometres.",
};

function lookupTool(calls: string[]): AnyTool {
  return {
    name: "lookup",
    description: "Looks a fact up.",
    parameters: z.object({ query: z.string().min(1) }),
    execute: async ({ query }: { query: string }) => {
      calls.push(query);
      if (query === "broken")
        return { text: "Error: the lookup service is down.", images: [], isError: true };
      const text = facts[query];
      return text === undefined ? { text: "", images: [] } : { text, images: [] };
    },
  };
}

function systemOf(request: RecordedRequest): string {
  const first = request.body.messages[0];
  return typeof first?.content === "string" ? first.content : "";
}

function lastUserText(request: RecordedRequest): string {
  const users = request.body.messages.filter((message: { role: string }) => message.role === "user");
  const content = users.at(-1)?.content;
  if (typeof content === "string") return content;
  return (content ?? [])
    .filter((part: { type: string }) => part.type === "text")
    .map((part: { text: string }) => part.text)
    .join("");
}

const step = (description: string, tool: string, parameters: Record<string, unknown> = {}) => ({
  description,
  tool_name: tool,
  parameters,
});

interface Timing {
  kind: string;
  arrivedAt: number;
  repliedAt?: number;
}

/** A model server routing by request kind; `planner` gives the planner's replies in order. */
async function routedServer(planner: string[], options: { extractDelayMs?: number } = {}) {
  const timings: Timing[] = [];
  let plannerCalls = 0;
  const server = await modelServer(async (request): Promise<ScriptedReply> => {
    const system = systemOf(request);
    const timing: Timing = { kind: "other", arrivedAt: performance.now() };
    timings.push(timing);
    let reply: ScriptedReply;
    if (system.startsWith("You plan how to answer")) {
      timing.kind = "planner";
      reply = { content: planner[plannerCalls++] ?? "[]" };
    } else if (system.startsWith("You fill in one placeholder")) {
      timing.kind = "extract";
      const text = lastUserText(request);
      const value = /Paris/.test(text) ? "Paris" : /Rome/.test(text) ? "Rome" : "";
      await new Promise((resolve) => setTimeout(resolve, options.extractDelayMs ?? 0));
      reply = { content: value };
    } else {
      timing.kind = "final";
      reply = { content: "Rome is larger than Paris." };
    }
    timing.repliedAt = performance.now();
    return reply;
  });
  return { server, timings };
}

async function plan(server: { baseUrl: string }, tools: AnyTool[], extra: Record<string, unknown> = {}) {
  const config = loupeConfigSchema.parse({
    model: { baseUrl: server.baseUrl, name: "test-model", maxRetries: 0 },
    ...extra,
  });
  return runPlan({
    question: "Which capital has more people, France's or Italy's?",
    images: [await testImage()],
    config,
    model: new ChatClient(config.model),
    dialect: undefined as never,
    tools,
  });
}

describe("plan mode: execution", () => {
  it("runs independent branches at the same time and fills placeholders by reading earlier results", async () => {
    const twoBranches = JSON.stringify([
      step("Find the capital of France.", "lookup", { query: "capital of France" }),
      step("Find the capital of Italy.", "lookup", { query: "capital of Italy" }),
      step("Find the population of [City from Step 1].", "lookup", {
        query: "population of [City from Step 1]",
      }),
      step("Find the population of [City from Step 2].", "lookup", {
        query: "population of [City from Step 2]",
      }),
      step("Compare and answer.", "none"),
    ]);
    const { server, timings } = await routedServer([twoBranches], { extractDelayMs: 400 });
    const calls: string[] = [];
    const { trajectory } = await plan(server, [lookupTool(calls)]);

    expect(trajectory.stopReason).toBe("answer");
    expect(trajectory.answer).toBe("Rome is larger than Paris.");
    expect(calls.sort()).toEqual([
      "capital of France",
      "capital of Italy",
      "population of Paris",
      "population of Rome",
    ]);
    // Steps 3 and 4 each waited 400 ms on the model reading a city out of a result: at once.
    const extracts = timings.filter((timing) => timing.kind === "extract");
    expect(extracts).toHaveLength(2);
    const [first, second] = extracts as [Timing, Timing];
    expect(second.arrivedAt).toBeLessThan(first.repliedAt as number);
    const executed = trajectory.plan?.executed ?? [];
    const intervalOf = (number: number) => {
      const entry = executed.find((item) => item.number === number)!;
      const start = Date.parse(entry.startedAt);
      return [start, start + entry.durationMs] as const;
    };
    const [start3, end3] = intervalOf(3);
    const [start4, end4] = intervalOf(4);
    expect(start4).toBeLessThan(end3);
    expect(start3).toBeLessThan(end4);
    // Each step is in the trajectory with the plan, its resolved placeholders and its call.
    expect(trajectory.mode).toBe("plan");
    expect(executed.find((item) => item.number === 3)?.resolved).toEqual([
      { placeholder: "[City from Step 1]", value: "Paris", by: "model" },
    ]);
    expect(trajectory.steps).toHaveLength(5);
    const step3 = trajectory.steps.find(
      (item) => item.index === executed.find((entry) => entry.number === 3)!.trajectoryStep,
    )!;
    expect(step3.actions[0]).toMatchObject({ tool: "lookup", arguments: { query: "population of Paris" } });
    expect(step3.observations[0]?.text).toBe("Paris has 2.1 million inhabitants.");
    expect(trajectory.steps.at(-1)?.answer).toBe("Rome is larger than Paris.");
    expect(trajectory.plan?.revisions[0]?.steps.map((item) => item.dependsOn)).toEqual([
      [],
      [],
      [1],
      [2],
      [],
    ]);
  });

  it("runs them one after the other under plan.concurrency 1 (the overlap above is the executor's)", async () => {
    const twoBranches = JSON.stringify([
      step("Find the capital of France.", "lookup", { query: "capital of France" }),
      step("Find the capital of Italy.", "lookup", { query: "capital of Italy" }),
      step("Population of [City from Step 1].", "lookup", { query: "population of [City from Step 1]" }),
      step("Population of [City from Step 2].", "lookup", { query: "population of [City from Step 2]" }),
      step("Compare and answer.", "none"),
    ]);
    const { server, timings } = await routedServer([twoBranches], { extractDelayMs: 150 });
    await plan(server, [lookupTool([])], { plan: { concurrency: 1 } });
    const [first, second] = timings.filter((timing) => timing.kind === "extract") as [Timing, Timing];
    expect(second.arrivedAt).toBeGreaterThanOrEqual(first.repliedAt as number);
  });

  it("sends a plan that fails validation back to the planner with its problems", async () => {
    const invalid = JSON.stringify([step("Search.", "web_search", { query: "capital of Italy" })]);
    const valid = JSON.stringify([
      step("Look it up.", "lookup", { query: "capital of Italy" }),
      step("Answer.", "none"),
    ]);
    const { server } = await routedServer([invalid, valid]);
    const { trajectory } = await plan(server, [lookupTool([])]);
    expect(trajectory.stopReason).toBe("answer");
    const fix = lastUserText(server.requests[1]!);
    expect(fix).toContain('Step 1: tool_name "web_search" is not one of: lookup, none.');
    expect(fix).toContain('The last step (Step 1) must be a verification step with "tool_name": "none"');
    expect(trajectory.plan?.revisions[0]?.attempts.map((attempt) => attempt.problems?.length ?? 0)).toEqual([
      2, 0,
    ]);
  });

  it("ends with plan-invalid when the planner never fixes its plan", async () => {
    const invalid = JSON.stringify([step("Search.", "web_search", { query: "x" })]);
    const { server } = await routedServer([invalid, invalid]);
    const { trajectory } = await plan(server, [lookupTool([])], { plan: { maxFixes: 1 } });
    expect(trajectory.stopReason).toBe("error");
    expect(trajectory.error?.code).toBe("plan-invalid");
    expect(trajectory.error?.message).toContain('tool_name "web_search"');
  });

  it("revises the rest of the plan when a step fails, keeping what succeeded", async () => {
    const first = JSON.stringify([
      step("Find the capital of Italy.", "lookup", { query: "capital of Italy" }),
      step("Find the population of [City from Step 1].", "lookup", { query: "broken" }),
      step("Answer.", "none"),
    ]);
    const revised = JSON.stringify([
      step("Find the area of [City from Step 1] instead.", "lookup", { query: "area of [City from Step 1]" }),
      step("Answer from what was found.", "none"),
    ]);
    const { server } = await routedServer([first, revised]);
    const calls: string[] = [];
    const { trajectory } = await plan(server, [lookupTool(calls)]);

    expect(calls).toEqual(["capital of Italy", "broken", "area of Rome"]);
    expect(trajectory.stopReason).toBe("answer");
    const revisions = trajectory.plan?.revisions ?? [];
    expect(revisions).toHaveLength(2);
    expect(revisions[1]?.reason).toBe("Step 2 failed: Error: the lookup service is down.");
    // The revision goes on numbering: its first step is Step 4, and it may use Step 1's result.
    expect(revisions[1]?.steps.map((item) => item.number)).toEqual([4, 5]);
    const request = lastUserText(
      server.requests.find((item, index) => index > 0 && systemOf(item).startsWith("You plan"))!,
    );
    expect(request).toContain("Its first step is Step 4");
    expect(request).toContain("Rome is the capital of Italy.");
    expect(trajectory.plan?.executed.map((item) => [item.number, item.status])).toEqual([
      [1, "done"],
      [2, "failed"],
      [4, "done"],
    ]);
  });

  it("holds the budgets across the whole plan", async () => {
    const long = JSON.stringify([
      step("One.", "lookup", { query: "capital of France" }),
      step("Two.", "lookup", { query: "capital of Italy" }),
      step("Three.", "lookup", { query: "population of [City from Step 1]" }),
      step("Answer.", "none"),
    ]);
    const { server } = await routedServer([long]);
    const calls: string[] = [];
    const { trajectory } = await plan(server, [lookupTool(calls)], { budgets: { maxToolCalls: 2 } });
    expect(calls).toHaveLength(2);
    expect(trajectory.stopReason).toBe("budget-tool-calls");
    // The model still answers from what the plan found.
    expect(trajectory.answer).toBe("Rome is larger than Paris.");
  });

  it("asks a planner on another server, by structured output, and the executor on its own", async () => {
    const planner = await modelServer([
      {
        content: JSON.stringify({
          steps: [step("Look it up.", "lookup", { query: "capital of Italy" }), step("Answer.", "none")],
        }),
      },
    ]);
    const { server } = await routedServer([]);
    const { trajectory } = await plan(server, [lookupTool([])], {
      plan: { format: "json-schema", planner: { baseUrl: planner.baseUrl, name: "planner-model" } },
    });
    expect(trajectory.stopReason).toBe("answer");
    const body = planner.requests[0]?.body;
    expect(body.model).toBe("planner-model");
    expect(body.response_format).toMatchObject({
      type: "json_schema",
      json_schema: { name: "plan", strict: true },
    });
    expect(body.response_format.json_schema.schema.required).toEqual(["steps"]);
    // The executor's server got the final answer only, without response_format.
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]?.body.response_format).toBeUndefined();
    expect(trajectory.plan?.planner).toEqual({
      model: "planner-model",
      baseUrl: planner.baseUrl,
      format: "json-schema",
    });
    // The trajectory, plan included, reads back through the versioned schema.
    expect(trajectorySchema.parse(JSON.parse(JSON.stringify(trajectory)))).toMatchObject({ mode: "plan" });
  });

  it("uses the user's planner prompt file in place of Loupe's, with {{tools}} filled in", async () => {
    const folder = mkdtempSync(join(tmpdir(), "loupe-plan-prompt-"));
    const promptFile = join(folder, "planner.txt");
    writeFileSync(promptFile, "You plan how to answer, my way. Tools:\n{{tools}}");
    const { server } = await routedServer([
      JSON.stringify([step("Look it up.", "lookup", { query: "capital of Italy" }), step("Answer.", "none")]),
    ]);
    await plan(server, [lookupTool([])], { plan: { promptFile } });
    expect(systemOf(server.requests[0]!)).toBe(
      "You plan how to answer, my way. Tools:\n- lookup: Looks a fact up. Parameters: its arguments as a JSON object.",
    );
  });

  it("runs no call that needs the user's approval: the step fails and the plan is revised", async () => {
    const first = JSON.stringify([
      step("Look it up.", "lookup", { query: "capital of Italy" }),
      step("Answer.", "none"),
    ]);
    const revised = JSON.stringify([step("Answer from what is known.", "none")]);
    const { server } = await routedServer([first, revised]);
    const calls: string[] = [];
    const { trajectory } = await plan(server, [lookupTool(calls)], { approval: { tools: ["lookup"] } });
    expect(calls).toEqual([]);
    expect(trajectory.plan?.executed[0]).toMatchObject({
      number: 1,
      status: "failed",
      note: "lookup needs the user's approval, and a plan runs no call that waits for it",
    });
    expect(trajectory.plan?.revisions).toHaveLength(2);
    expect(trajectory.answer).toBe("Rome is larger than Paris.");
  });

  it("ends with the model's error when a step's model call fails, keeping the steps that finished", async () => {
    const twoBranches = JSON.stringify([
      step("Find the capital of France.", "lookup", { query: "capital of France" }),
      step("Population of [City from Step 1].", "lookup", { query: "population of [City from Step 1]" }),
      step("Answer.", "none"),
    ]);
    let plannerCalls = 0;
    const server = await modelServer((request) =>
      systemOf(request).startsWith("You plan how to answer")
        ? { content: plannerCalls++ === 0 ? twoBranches : "[]" }
        : { status: 400, error: { message: "the model cannot read this" } },
    );
    const { trajectory } = await plan(server, [lookupTool([])]);
    expect(trajectory.stopReason).toBe("error");
    expect(trajectory.error?.code).toBe("model-http");
    expect(trajectory.plan?.executed.map((item) => [item.number, item.status])).toEqual([[1, "done"]]);
    expect(trajectory.steps.map((item) => item.index)).toEqual([1]);
  });

  it("hands an image a step made to a later step by its label (a crop of the crop)", async () => {
    const crops = JSON.stringify([
      step("Crop the top-left quadrant.", "crop", { image: "image_1", box: [0, 0, 320, 240] }),
      step("Zoom into [Crop from Step 1].", "crop", { image: "[Crop from Step 1]", box: [0, 0, 100, 100] }),
      step("Describe and answer.", "none"),
    ]);
    const { server } = await routedServer([crops]);
    const config = loupeConfigSchema.parse({ model: { baseUrl: server.baseUrl, name: "m" } });
    const { trajectory, images } = await plan(server, imageTools(config.images));
    expect(trajectory.stopReason).toBe("answer");
    expect(trajectory.plan?.executed[1]?.resolved).toEqual([
      { placeholder: "[Crop from Step 1]", value: "image_2", by: "result" },
    ]);
    expect(trajectory.steps[1]?.actions[0]?.arguments).toMatchObject({ image: "image_2" });
    const zoom = images.list().find((image) => image.label === "image_3")!;
    expect(zoom.provenance).toMatchObject({ kind: "tool", tool: "crop", parent: images.list()[1]!.id });
  });
});
