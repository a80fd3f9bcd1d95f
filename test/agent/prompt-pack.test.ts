import { describe, expect, it } from "vitest";
import { runAgent } from "../../src/agent/run-agent.js";
import type { DialectName } from "../../src/core/config.js";
import { loupeConfigSchema } from "../../src/core/config.js";
import { withProfile } from "../../src/dialects/profiles.js";
import { parsePromptPack } from "../../src/dialects/prompt-pack.js";
import { getDialect } from "../../src/dialects/registry.js";
import { ChatClient } from "../../src/models/chat-client.js";
import { testTools } from "../support/dialect-test-context.js";
import type { ScriptedReply } from "../support/model-server.js";
import { modelServer, requestMessages, testImage } from "./agent-harness.js";

/**
 * Issue 7's acceptance for prompt packs: a user writes a pack in upstream's style (YAML, as a
 * user would copy it from their checkout of the upstream repository) and every text of it reaches
 * the model server where the pack says, for every dialect: the system prompt, the first turn
 * around the images, the wrappers around each result and around a failed action, and the
 * final-answer request. Checked on the requests the server recorded.
 */
interface Case {
  dialect: DialectName;
  /** The tool the scripted call uses, as Loupe names it. */
  tool: string;
  /** A turn with a call that runs. */
  call: ScriptedReply;
  /** A turn with an action that fails (servers stop at an action's closing tag: one per turn). */
  failing: ScriptedReply;
}

const cases: Case[] = [
  {
    dialect: "native",
    tool: "crop",
    call: { toolCalls: [{ name: "crop", arguments: { box: [0, 0, 320, 240] } }] },
    failing: { toolCalls: [{ name: "crop", arguments: { box: [0, 0, 0, 0] } }] },
  },
  {
    dialect: "deepeyes",
    tool: "crop",
    call: {
      content:
        '<think>Zoom.</think><tool_call>{"name": "image_zoom_in_tool", "arguments": {"bbox_2d": [0, 0, 320, 240]}}</tool_call>',
    },
    failing: { content: '<think>Again.</think><tool_call>{"name": "zoom"}</tool_call>' },
  },
  {
    dialect: "deepeyes-v2",
    tool: "text_search",
    call: {
      content:
        '<think>Search.</think><tool_call>{"name": "search", "arguments": {"query": "sign"}}</tool_call>',
    },
    failing: { content: '<think>Again.</think><tool_call>{"name": "lookup"}</tool_call>' },
  },
  {
    dialect: "skywork-r1v4",
    tool: "text_search",
    call: {
      content:
        '<think>Search.</think><tool_call>{"name": "text_search", "arguments": {"queries": ["sign"]}}</tool_call>',
    },
    failing: { content: '<think>Again.</think><tool_call>{"name": "lookup"}</tool_call>' },
  },
  {
    dialect: "mmsearch-r1",
    tool: "text_search",
    call: { content: "<reason>Search.</reason><text_search>sign</text_search>" },
    failing: { content: "<reason>Again.</reason><text_search> </text_search>" },
  },
  {
    dialect: "artist",
    tool: "crop",
    call: {
      content: '<think>Zoom.</think><tool>{"name": "crop", "arguments": {"box": [0, 0, 320, 240]}}</tool>',
    },
    failing: { content: '<think>Again.</think><tool>{"name": "lookup"}</tool>' },
  },
];

function packFor(tool: string): string {
  return [
    "# An upstream-style pack: every text the model reads, in the places upstream puts it.",
    "system: |-",
    "  SYSTEM TEXT for {{question}}",
    "user: |-",
    "  BEFORE THE IMAGE",
    "  {{images}}",
    "  AFTER THE IMAGE: {{question}}",
    "observation:",
    '  prefix: "TURN<"',
    '  suffix: ">TURN"',
    "tools:",
    `  ${tool}:`,
    '    prefix: "RESULT<{{tool}}:"',
    '    suffix: ">RESULT"',
    "error:",
    '  prefix: "ERROR<"',
    '  suffix: ">ERROR (write the action again)"',
    'separator: " | "',
    'finalAnswer: "FINAL ANSWER NOW: {{reason}}"',
  ].join("\n");
}

type Part = { type: string; text?: string; image_url?: unknown };

function layout(content: string | Part[]): string {
  if (typeof content === "string") return content;
  return content.map((part) => (part.type === "text" ? part.text : "<image>")).join("");
}

describe.each(cases)("a prompt pack for $dialect", ({ dialect, tool, call, failing }) => {
  it("puts each text where the pack says, in the requests the server receives", async () => {
    const server = await modelServer([call, failing, { content: "<answer>done</answer>" }]);
    const config = loupeConfigSchema.parse(
      withProfile({
        dialect,
        model: { baseUrl: server.baseUrl, name: "test-model", maxRetries: 0 },
        budgets: { maxSteps: 2 },
      }),
    );
    const pack = parsePromptPack(packFor(tool), "pack.yaml");
    const question = "What is on the sign?";
    await runAgent({
      question,
      images: [await testImage()],
      config,
      model: new ChatClient(config.model),
      dialect: getDialect(dialect, { options: config.dialectOptions, pack }),
      tools: testTools(tool),
    });
    expect(server.requests).toHaveLength(3);

    const first = requestMessages(server, 0);
    expect(first[0]).toEqual({ role: "system", content: `SYSTEM TEXT for ${question}` });
    expect(first[1].role).toBe("user");
    expect(layout(first[1].content)).toBe(`BEFORE THE IMAGE\n<image>\nAFTER THE IMAGE: ${question}`);

    const final = requestMessages(server, 2).at(-1);
    expect(layout(final.content)).toBe("FINAL ANSWER NOW: the step budget is used up");
    if (dialect === "native") {
      // Native results are tool messages, each in its tool's wrapper or the error's.
      const [result] = requestMessages(server, 1).filter((message) => message.role === "tool");
      expect(result.content).toMatch(/^RESULT<crop:[\s\S]+>RESULT$/);
      const [failed] = requestMessages(server, 2)
        .filter((message) => message.role === "tool")
        .slice(-1);
      expect(failed.content).toMatch(/^ERROR<[\s\S]+>ERROR \(write the action again\)$/);
      return;
    }
    // Tag dialects: each observation is one user turn in the turn's wrapper.
    const result = layout(requestMessages(server, 1).at(-1).content);
    expect(result).toMatch(new RegExp(`^TURN<RESULT<${tool}:[\\s\\S]*>RESULT>TURN$`));
    const failed = layout(requestMessages(server, 2).at(-2).content);
    expect(failed).toMatch(/^TURN<ERROR<[\s\S]+>ERROR \(write the action again\)>TURN$/);
  });
});

describe("a prompt pack that sends no system prompt", () => {
  it("leaves the system message out, so the server's chat template adds its own", async () => {
    const server = await modelServer([{ content: "<answer>done</answer>" }]);
    const config = loupeConfigSchema.parse(
      withProfile({ dialect: "deepeyes", model: { baseUrl: server.baseUrl, name: "test-model" } }),
    );
    await runAgent({
      question: "Q?",
      images: [await testImage()],
      config,
      model: new ChatClient(config.model),
      dialect: getDialect("deepeyes", { pack: parsePromptPack("system: null\n", "pack.yaml") }),
      tools: testTools("crop"),
    });
    expect(requestMessages(server, 0).map((message) => message.role)).toEqual(["user"]);
  });

  it("is refused, naming the key, when a field is wrong, and refused for another dialect", () => {
    expect(() => parsePromptPack("tools:\n  crop: {prefx: x}\n", "pack.yaml")).toThrow(/tools\.crop/);
    expect(() => getDialect("native", { pack: parsePromptPack("dialect: deepeyes\n", "pack.yaml") })).toThrow(
      /written for the deepeyes dialect/,
    );
  });
});
