import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { exitCodes } from "../../src/apps/cli/exit-codes.js";
import { startModelServer } from "../support/model-server.js";
import { runCli } from "../support/run-cli.js";

const servers: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function server(script: Parameters<typeof startModelServer>[0]) {
  const started = await startModelServer(script);
  servers.push(started);
  return started;
}

const street = join(import.meta.dirname, "../../examples/street.png");

/** Figure 4 of the R1V4 paper, shortened: the hosted planner's numbered list after its <think>. */
const hostedPlannerReply = `<think>First identify, then search.</think>
1. Step 1(image_search): Identify the building shown in the image.image_path = "image path"
2. Step 2(text_search): Find when it was built. query = "[Building identified in Step 1] construction year"
3. Step 3(none): Verify the year and answer.`;

describe("loupe plan and loupe ask --mode (end to end)", () => {
  it("loupe plan prints the plan a hosted-style planner wrote as a numbered list, and runs nothing", async () => {
    const model = await server([{ content: hostedPlannerReply }]);
    const result = await runCli([
      "plan",
      "-i",
      street,
      "--base-url",
      model.baseUrl,
      "--model",
      "skywork/r1v4-vl-planner-lite",
      "--tools",
      "crop,image_search,text_search",
      "When was this built?",
    ]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(exitCodes.answer);
    expect(result.stdout.trim().split("\n")).toEqual([
      'Step 1 (image_search): Identify the building shown in the image. {"image_path":"image path"}',
      'Step 2 (text_search): Find when it was built. {"query":"[Building identified in Step 1] construction year"}  needs Step 1',
      "Step 3 (none): Verify the year and answer.",
    ]);
    expect(model.requests).toHaveLength(1);
  });

  it("loupe plan names the problems when the planner never writes a valid plan (exit: model failure)", async () => {
    const model = await server([
      { content: "I would look it up." },
      { content: "Still no plan." },
      { content: "No." },
    ]);
    const result = await runCli(["plan", "--base-url", model.baseUrl, "--model", "m", "What is it?"]);
    expect(result.code).toBe(exitCodes.modelFailure);
    expect(result.stderr).toContain(
      "The reply is not a plan: it holds no JSON array of steps. (plan-invalid)",
    );
  });

  it("loupe ask --mode direct answers in one turn with no tools offered", async () => {
    const model = await server([{ content: "A street." }]);
    const out = await mkdtemp(join(tmpdir(), "loupe-e2e-mode-"));
    const result = await runCli([
      "ask",
      "--mode",
      "direct",
      "-i",
      street,
      "--base-url",
      model.baseUrl,
      "--model",
      "m",
      "--out",
      out,
      "What is this?",
    ]);
    expect(result.code).toBe(exitCodes.answer);
    expect(result.stdout.trim()).toBe("A street.");
    expect(model.requests[0]?.body.tools).toBeUndefined();
    const trajectory = JSON.parse(await readFile(join(out, "trajectory.json"), "utf8"));
    expect(trajectory.mode).toBe("direct");
  });
});
