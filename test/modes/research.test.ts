import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ask } from "../../src/api/ask.js";
import type { RunEvent } from "../../src/core/events.js";
import { openLocalIndex } from "../../src/search/local-index/index.js";
import { modelServer } from "../agent/agent-harness.js";
import type { RecordedRequest, ScriptedReply } from "../support/model-server.js";

/**
 * Research mode through the library's `ask`, against a small local index made here and the
 * scripted model server, which answers each request by what it is: the decomposition, a
 * sub-agent's turn (by its sub-question and how far it is), the sufficiency check, the report.
 * The sub-agents run the real agent loop with the real text_search, web_visit and crop tools.
 */

const folder = mkdtempSync(join(tmpdir(), "loupe-research-"));
const historyFile = join(folder, "pages", "lighthouse-history.md");
const designFile = join(folder, "pages", "lighthouse-design.md");
const indexPath = join(folder, "index.sqlite");

beforeAll(async () => {
  rmSync(join(folder, "pages"), { recursive: true, force: true });
  const { mkdirSync } = await import("node:fs");
  mkdirSync(join(folder, "pages"));
  writeFileSync(
    historyFile,
    "# Harbor Point lighthouse\n\nThe Harbor Point lighthouse was built in 1871 by the harbour board. Its lamp was first lit in the spring of 1872, and keepers lived beside it until the light was automated.\n",
  );
  writeFileSync(
    designFile,
    "# Designing Harbor Point\n\nThe Harbor Point lighthouse was designed by the engineer Mara Ellison, who also drew the keeper's cottage and the boat house below the cliff.\n",
  );
  const index = openLocalIndex(indexPath);
  await index.add([join(folder, "pages")]);
  index.close();
});

afterAll(() => rmSync(folder, { recursive: true, force: true }));

const subQuestions = [
  "When was the Harbor Point lighthouse built?",
  "Who designed the Harbor Point lighthouse?",
];

function textOf(message: { content?: unknown }): string {
  if (typeof message.content === "string") return message.content;
  if (!Array.isArray(message.content)) return "";
  return message.content
    .filter((part: { type: string }) => part.type === "text")
    .map((part: { text: string }) => part.text)
    .join("");
}

function researchModel(request: RecordedRequest): ScriptedReply {
  const messages = request.body.messages as { role: string; content?: unknown }[];
  const system = textOf(messages[0] ?? {});
  const user = messages
    .filter((message) => message.role === "user")
    .map(textOf)
    .join("\n");
  const turns = messages.filter((message) => message.role === "assistant").length;
  if (system.startsWith("You split a research question")) return { content: JSON.stringify(subQuestions) };
  if (system.startsWith("You judge whether")) return { content: '{"answered": true}' };
  if (system.startsWith("You write a research report")) return { content: report(user) };
  const call = (name: string, args: object) => ({ toolCalls: [{ id: `c${turns}`, name, arguments: args }] });
  if (user.includes(subQuestions[0] as string)) {
    if (turns === 0) return call("text_search", { queries: ["Harbor Point lighthouse built"] });
    if (turns === 1) return call("web_visit", { urls: [pathToFileURL(historyFile).href] });
    return { content: "It was built in 1871." };
  }
  if (user.includes(subQuestions[1] as string)) {
    if (turns === 0) return call("crop", { image: "image_1", box: [0, 0, 320, 240] });
    if (turns === 1) return call("web_visit", { urls: [pathToFileURL(designFile).href] });
    return { content: "Mara Ellison designed it." };
  }
  return { status: 500, error: { message: `unscripted request: ${system.slice(0, 60)}` } };
}

/** The report the "model" writes: cites the pages by the numbers the evidence listing gave them. */
function report(listing: string): string {
  const numberOf = (file: string) => {
    const line = listing.split("\n").find((entry) => entry.includes(`(page; ${pathToFileURL(file).href})`));
    return Number(/^\[(\d+)\]/.exec(line ?? "")?.[1]);
  };
  const history = numberOf(historyFile);
  const design = numberOf(designFile);
  return [
    "# Harbor Point lighthouse",
    "",
    `The Harbor Point lighthouse was "built in 1871 by the harbour board" [${history}]. Its lamp was first lit in 1872 [${history}].`,
    `It was designed by the engineer Mara Ellison [${design}].`,
    `The lighthouse was moved inland in 1990 [${history}].`,
    "The keepers painted the tower red every summer [99].",
    "",
    "Short answer: built in 1871, designed by Mara Ellison.",
  ].join("\n");
}

describe("research mode", () => {
  it("gathers evidence with sub-agents, writes a cited report, and flags what the evidence does not say", async () => {
    const server = await modelServer(researchModel);
    const events: RunEvent[] = [];
    const result = await ask({
      onEvent: (event) => events.push(event),
      mode: "research",
      model: { baseUrl: server.baseUrl, name: "test-model", maxRetries: 0 },
      question: "When was the lighthouse in the image built, and who designed it?",
      images: [new URL("../../examples/street.png", import.meta.url).pathname],
      tools: ["crop", "text_search", "web_visit"],
      config: { search: { cache: { enabled: false }, localIndex: { path: indexPath } } },
      env: { LOUPE_HOME: join(folder, "home") },
    });
    const research = result.trajectory.research!;
    expect(result.trajectory.mode).toBe("research");
    expect(result.stopReason).toBe("answer");
    expect(result.answer).toBe("built in 1871, designed by Mara Ellison.");
    expect(research.subQuestions.map((item) => [item.question, item.answer])).toEqual([
      [subQuestions[0], "It was built in 1871."],
      [subQuestions[1], "Mara Ellison designed it."],
    ]);
    expect(research.stoppedGathering).toBe("answered");

    // The evidence store: search passages, both pages and the crop, each with where it came from.
    const kinds = research.evidence.map((item) => item.kind);
    expect(kinds).toContain("passage");
    expect(kinds.filter((kind) => kind === "page")).toHaveLength(2);
    const crop = research.evidence.find((item) => item.kind === "image")!;
    expect(crop.imageId).toBeDefined();
    expect(result.images.byId(crop.imageId!)?.provenance).toMatchObject({ kind: "tool", tool: "crop" });
    expect(crop.source).toMatchObject({ subQuestion: 2, tool: "crop", step: 1, callId: "c0" });
    const page = research.evidence.find(
      (item) => item.url === pathToFileURL(historyFile).href && item.kind === "page",
    )!;
    expect(page.source).toMatchObject({ subQuestion: 1, tool: "web_visit", step: 2, callId: "c1" });

    // Every supported citation resolves to stored evidence whose text says it.
    const byId = new Map(research.evidence.map((item) => [item.id, item]));
    const supported = research.citations.filter((check) => check.supported);
    expect(supported).toHaveLength(3);
    for (const check of supported) for (const id of check.cited) expect(byId.has(id)).toBe(true);
    expect(byId.get(supported[0]!.cited[0]!)?.text).toContain("built in 1871 by the harbour board");

    // The unsupported sentences are flagged in the report and listed in the result.
    expect(research.unsupported).toEqual([
      `The lighthouse was moved inland in 1990 [${page.id}].`,
      "The keepers painted the tower red every summer [99].",
    ]);
    expect(research.citations.find((check) => check.sentence.includes("1990"))?.reason).toBe(
      `the number 1990 is not in [${page.id}]`,
    );
    expect(research.report).toContain(
      "The keepers painted the tower red every summer [99]. **[unsupported: cites [99], which is not stored evidence]**",
    );
    expect(research.report).toMatch(/## Key images\n\n!\[\[\d+\] image_2: crop of image_1/);
    expect(research.report).toContain("## Sources");
    // The decomposition saw the image.
    const decomposition = server.requests.find((request) =>
      textOf(request.body.messages[0]).startsWith("You split a research question"),
    )!;
    expect(
      decomposition.body.messages[1].content.filter((part: { type: string }) => part.type === "image_url"),
    ).toHaveLength(1);
    // The sub-agents' steps are the trajectory's steps, numbered on from 1.
    expect(result.trajectory.steps.map((step) => step.index)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(research.subQuestions.map((item) => item.steps)).toEqual([
      [1, 3],
      [4, 6],
    ]);
    expect(events.map((event) => event.type)).toEqual(["run-start", "answer", "run-end"]);
  });

  it("runs follow-up rounds while the evidence does not answer, up to research.maxRounds, and flags uncited sentences", async () => {
    const asked: string[] = [];
    const server = await modelServer((request) => {
      const messages = request.body.messages as { role: string; content?: unknown }[];
      const system = textOf(messages[0] ?? {});
      if (system.startsWith("You split a research question")) return { content: '["Who built it?"]' };
      if (system.startsWith("You judge whether"))
        return { content: '{"answered": false, "followUps": ["Where is it?"]}' };
      if (system.startsWith("You write a research report"))
        return { content: "It is somewhere by the sea.\n\nShort answer: unknown." };
      const question = textOf(messages.find((message) => message.role === "user") ?? {});
      asked.push(question);
      return { content: "No idea." };
    });
    const result = await ask({
      mode: "research",
      model: { baseUrl: server.baseUrl, name: "test-model", maxRetries: 0 },
      question: "What is this lighthouse?",
      tools: ["text_search"],
      config: {
        search: { cache: { enabled: false }, localIndex: { path: indexPath } },
        research: { maxRounds: 2 },
      },
      env: { LOUPE_HOME: join(folder, "home") },
    });
    const research = result.trajectory.research!;
    expect(research.subQuestions.map((item) => [item.question, item.round])).toEqual([
      ["Who built it?", 1],
      ["Where is it?", 2],
    ]);
    expect(research.stoppedGathering).toBe("rounds");
    expect(research.unsupported).toEqual(["It is somewhere by the sea."]);
    expect(research.citations[0]?.reason).toBe("no citation");
    expect(result.answer).toBe("unknown.");
  });

  it("stops gathering when the run's budget is spent, and still writes the report", async () => {
    const server = await modelServer((request) => {
      const messages = request.body.messages as { role: string; content?: unknown }[];
      const system = textOf(messages[0] ?? {});
      if (system.startsWith("You split a research question")) return { content: '["Who designed it?"]' };
      if (system.startsWith("You judge whether"))
        return { content: '{"answered": false, "followUps": ["Who else?"]}' };
      if (system.startsWith("You write a research report")) return { content: "Short answer: Mara Ellison." };
      const turns = messages.filter((message) => message.role === "assistant").length;
      return turns === 0
        ? {
            toolCalls: [{ id: "s1", name: "text_search", arguments: { queries: ["Harbor Point designed"] } }],
          }
        : { content: "Mara Ellison." };
    });
    const result = await ask({
      mode: "research",
      model: { baseUrl: server.baseUrl, name: "test-model", maxRetries: 0 },
      question: "Who designed the Harbor Point lighthouse?",
      tools: ["text_search"],
      budgets: { maxToolCalls: 1 },
      config: { search: { cache: { enabled: false }, localIndex: { path: indexPath } } },
      env: { LOUPE_HOME: join(folder, "home") },
    });
    const research = result.trajectory.research!;
    expect(research.subQuestions).toHaveLength(1);
    expect(research.stoppedGathering).toBe("budget-tool-calls");
    expect(result.stopReason).toBe("budget-tool-calls");
    expect(result.answer).toBe("Mara Ellison.");
    expect(result.trajectory.budgetsUsed.toolCalls).toBe(1);
  });

  it("with research.modelCheck, asks the model about flagged sentences that cite stored evidence", async () => {
    const checked: string[] = [];
    const server = await modelServer((request) => {
      const messages = request.body.messages as { role: string; content?: unknown }[];
      const system = textOf(messages[0] ?? {});
      const user = messages
        .filter((message) => message.role === "user")
        .map(textOf)
        .join("\n");
      if (system.startsWith("You split a research question")) return { content: '["Who lived there?"]' };
      if (system.startsWith("You judge whether")) return { content: '{"answered": true}' };
      if (system.startsWith("You check whether evidence supports")) {
        checked.push(user);
        return { content: user.includes("1990") ? "No." : "Yes." };
      }
      if (system.startsWith("You write a research report")) {
        const line = user
          .split("\n")
          .find((entry) => entry.includes(`(page; ${pathToFileURL(historyFile).href})`));
        const page = /^\[(\d+)\]/.exec(line ?? "")?.[1];
        return {
          content: `Staff resided next to the beacon until automation [${page}]. It was moved in 1990 [${page}]. It was painted [99].\n\nShort answer: keepers.`,
        };
      }
      const turns = messages.filter((message) => message.role === "assistant").length;
      return turns === 0
        ? {
            toolCalls: [
              { id: "v1", name: "web_visit", arguments: { urls: [pathToFileURL(historyFile).href] } },
            ],
          }
        : { content: "Keepers." };
    });
    const result = await ask({
      mode: "research",
      model: { baseUrl: server.baseUrl, name: "test-model", maxRetries: 0 },
      question: "Who lived at the Harbor Point lighthouse?",
      tools: ["web_visit"],
      config: {
        search: { cache: { enabled: false }, localIndex: { path: indexPath } },
        research: { modelCheck: true },
      },
      env: { LOUPE_HOME: join(folder, "home") },
    });
    const research = result.trajectory.research!;
    expect(checked).toHaveLength(2);
    expect(research.citations.map((check) => [check.supported, check.reason.split(" (")[0]])).toEqual([
      [true, "the model found it supported"],
      [
        false,
        expect.stringMatching(/^the number 1990 is not in \[\d+\]; the model agreed it is unsupported$/),
      ],
      [false, "cites [99], which is not stored evidence"],
    ]);
    expect(research.unsupported).toHaveLength(2);
  });
});
