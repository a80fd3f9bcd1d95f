import { describe, expect, it } from "vitest";
import { z } from "zod";
import { runAgent } from "../../src/agent/run-agent.js";
import { loupeConfigSchema } from "../../src/core/config.js";
import { NativeDialect } from "../../src/dialects/native.js";
import { withProfile } from "../../src/dialects/profiles.js";
import { findPromptPack, registerPromptPack } from "../../src/dialects/prompt-pack-registry.js";
import { getDialect, registerDialect } from "../../src/dialects/registry.js";
import { ChatClient } from "../../src/models/chat-client.js";
import { createToolbox, defaultToolNames, registerTool, selectTools } from "../../src/tools/registry.js";
import { modelServer, requestText, testImage } from "./agent-harness.js";

/** A library user's tool: a zod schema, an execute function, and how its result is shown. */
registerTool({
  name: "tide_table",
  description: "The times of high tide at a harbour.",
  kind: "web",
  parameters: z.object({ harbour: z.string().min(1) }),
  execute: async ({ harbour }: { harbour: string }) => ({
    text: `${harbour}: 06:12, 18:40`,
    images: [],
  }),
  render: (result) => `High tides -> ${result.text}`,
});

/** A library user's dialect: native function calling under another name, with a profile. */
registerDialect("harbour-native", (settings) => new NativeDialect(settings), {
  profiles: [
    {
      name: "harbour-model",
      dialect: "harbour-native",
      description: "A model trained on tide questions.",
      source: "this test",
      settings: { budgets: { maxSteps: 4 } },
    },
  ],
});

const script = [
  { toolCalls: [{ id: "t1", name: "tide_table", arguments: { harbour: "Brest" } }] },
  { content: "06:12 and 18:40." },
];

async function ask(dialect: string) {
  const server = await modelServer(script);
  const config = loupeConfigSchema.parse(
    withProfile({ model: { baseUrl: server.baseUrl, name: "test-model", maxRetries: 0 }, dialect }),
  );
  const toolbox = createToolbox(config);
  try {
    const chosen = getDialect(config.dialect);
    const { trajectory } = await runAgent({
      question: "When is high tide at Brest?",
      images: [await testImage()],
      config,
      model: new ChatClient(config.model),
      dialect: chosen,
      tools: selectTools(toolbox, ["crop", "tide_table"], chosen),
    });
    return { trajectory, server, config, toolbox };
  } finally {
    await toolbox.close();
  }
}

describe("registries: a tool and a dialect added at run time", () => {
  it("accepts a registered dialect in the config, with its profile, and runs a registered tool", async () => {
    const { trajectory, server, config } = await ask("harbour-native");
    expect(config.dialect).toBe("harbour-native");
    expect(config.profile).toBe("harbour-model");
    expect(config.budgets.maxSteps).toBe(4);
    // The tool is offered to the model with its schema, and its own rendering is what the model reads.
    const offered = server.requests[0]!.body.tools.map(
      (tool: { function: { name: string } }) => tool.function.name,
    );
    expect(offered).toEqual(["crop", "tide_table"]);
    expect(server.requests[1]!.body.messages.at(-1)).toMatchObject({
      role: "tool",
      content: "High tides -> Brest: 06:12, 18:40",
    });
    expect(trajectory.steps[0]!.observations[0]!.text).toBe("Brest: 06:12, 18:40");
    expect(trajectory.answer).toBe("06:12 and 18:40.");
  });

  it("lets ARTIST's <tool> call a registered tool, shown with the tool's rendering", async () => {
    const server = await modelServer([
      {
        content:
          '<think>Look it up.</think><tool>{"name": "tide_table", "arguments": {"harbour": "Brest"}}</tool>',
      },
      { content: "<answer>06:12</answer>" },
    ]);
    const config = loupeConfigSchema.parse({
      model: { baseUrl: server.baseUrl, name: "test-model", maxRetries: 0 },
      dialect: "artist",
    });
    const toolbox = createToolbox(config);
    try {
      const dialect = getDialect("artist");
      const { trajectory } = await runAgent({
        question: "When is high tide at Brest?",
        images: [await testImage()],
        config,
        model: new ChatClient(config.model),
        dialect,
        tools: selectTools(toolbox, ["python", "tide_table"], dialect),
      });
      expect(requestText(server, 0)).toContain("- tide_table: The times of high tide at a harbour.");
      expect(requestText(server, 1)).toContain("<output>\nHigh tides -> Brest: 06:12, 18:40\n</output>");
      expect(trajectory.answer).toBe("06:12");
    } finally {
      await toolbox.close();
    }
  });

  it("names the registered dialects when the config names another, and picks defaults by kind", () => {
    const parsed = loupeConfigSchema.safeParse({
      model: { baseUrl: "http://127.0.0.1:1/v1", name: "m" },
      dialect: "klingon",
    });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.message).toBe(
      'unknown dialect "klingon". Registered dialects: native, skywork-r1v4, deepeyes-v2, deepeyes, mmsearch-r1, artist, harbour-native.',
    );
    const config = loupeConfigSchema.parse({ model: { baseUrl: "http://127.0.0.1:1/v1", name: "m" } });
    const toolbox = createToolbox(config);
    // Native's defaults are the image and code tools: the web-kind tide_table is enabled by name.
    expect(defaultToolNames(toolbox, getDialect("native"))).toEqual([
      "crop",
      "rotate",
      "flip",
      "resize",
      "enhance",
      "annotate",
      "ocr",
      "python",
    ]);
    // A dialect with its own vocabulary cannot express a tool it has no words for.
    expect(() => selectTools(toolbox, ["tide_table"], getDialect("deepeyes"))).toThrow(
      /The deepeyes dialect cannot express the "tide_table" tool/,
    );
    void toolbox.close();
  });

  it("keeps registered prompt packs by name and refuses a taken name", () => {
    registerPromptPack("terse", { dialect: "native", system: "Answer in one word." });
    expect(findPromptPack("terse")).toEqual({ dialect: "native", system: "Answer in one word." });
    expect(() => registerPromptPack("terse", {})).toThrow(/already registered/);
    expect(() => registerPromptPack("broken", { dialect: "klingon" })).toThrow(
      /Invalid prompt pack "broken":\ndialect: unknown dialect "klingon"/,
    );
    expect(() => registerDialect("native", (settings) => new NativeDialect(settings))).toThrow(
      /already registered/,
    );
  });
});
