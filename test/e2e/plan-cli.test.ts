import { mkdir, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { exitCodes } from "../../src/apps/cli/exit-codes.js";
import { openLocalIndex } from "../../src/search/local-index/index.js";
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

  it("loupe ask --mode research writes report.md beside the trajectory and prints the short answer", async () => {
    const folder = await mkdtemp(join(tmpdir(), "loupe-e2e-research-"));
    const page = join(folder, "pages", "tower.md");
    await mkdir(join(folder, "pages"));
    await writeFile(page, "# The tower\n\nThe tower was finished in 1889 for the world fair.\n");
    const indexPath = join(folder, "index.sqlite");
    const index = openLocalIndex(indexPath);
    await index.add([join(folder, "pages")]);
    index.close();
    const configFile = join(folder, "loupe.config.json");
    await writeFile(
      configFile,
      JSON.stringify({ search: { cache: { enabled: false }, localIndex: { path: indexPath } } }),
    );
    const text = (message: { content?: unknown }) =>
      typeof message.content === "string"
        ? message.content
        : ((message.content as { type: string; text?: string }[] | undefined) ?? [])
            .map((part) => part.text ?? "")
            .join("");
    const model = await server((request) => {
      const messages = request.body.messages as { role: string; content?: unknown }[];
      const system = text(messages[0] ?? {});
      if (system.startsWith("You split a research question"))
        return { content: '["When was the tower finished?"]' };
      if (system.startsWith("You judge whether")) return { content: '{"answered": true}' };
      if (system.startsWith("You write a research report")) {
        const number = /\[(\d+)\] \(page;/.exec(messages.map(text).join("\n"))?.[1];
        return { content: `The tower was finished in 1889 [${number}].\n\nShort answer: 1889.` };
      }
      const turns = messages.filter((message) => message.role === "assistant").length;
      return turns === 0
        ? { toolCalls: [{ id: "v1", name: "web_visit", arguments: { urls: [pathToFileURL(page).href] } }] }
        : { content: "1889." };
    });
    const out = join(folder, "run");
    const result = await runCli(
      [
        "ask",
        "--mode",
        "research",
        "--config",
        configFile,
        "--base-url",
        model.baseUrl,
        "--model",
        "m",
        "--out",
        out,
        "When was the tower finished?",
      ],
      { env: { LOUPE_HOME: join(folder, "home") } },
    );
    expect(result.code).toBe(exitCodes.answer);
    expect(result.stdout.trim()).toBe("1889.");
    const report = await readFile(join(out, "report.md"), "utf8");
    expect(report).toMatch(/^The tower was finished in 1889 \[\d+\]\.\n/);
    expect(report).toContain("## Sources");
    expect(report).not.toContain("unsupported");
    const trajectory = JSON.parse(await readFile(join(out, "trajectory.json"), "utf8"));
    expect(trajectory.research.citations).toEqual([expect.objectContaining({ supported: true })]);
  });
});
