import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import {
  ask,
  defineTool,
  isLoupeError,
  type LoupeError,
  type RunEvent,
  streamAsk,
  toServerSentEvents,
} from "loupe";
import { type ModelServer, type ScriptedReply, startModelServer, TEST_MODEL_ID } from "loupe/testing";
import sharp from "sharp";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";

/**
 * The library's high-level calls against the scripted model server, imported from "loupe" as a
 * user imports them. Everything between the call and the socket is real.
 */

const street = fileURLToPath(new URL("../../examples/street.png", import.meta.url));
const servers: ModelServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function modelServer(script: ScriptedReply[]): Promise<ModelServer> {
  const server = await startModelServer(script);
  servers.push(server);
  return server;
}

const zoomThenAnswer: ScriptedReply[] = [
  { toolCalls: [{ name: "crop", arguments: { image: "image_1", box: [400, 40, 520, 100] } }] },
  { content: "Three red squares." },
];

async function failure(promise: Promise<unknown>): Promise<LoupeError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (!isLoupeError(error)) throw new Error(`expected a LoupeError, got ${String(error)}`);
  return error;
}

describe("ask", () => {
  it("answers after a zoom, with the trajectory and the produced image", async () => {
    const server = await modelServer(zoomThenAnswer);
    const result = await ask({
      model: { baseUrl: server.baseUrl, name: TEST_MODEL_ID },
      images: [street],
      question: "What is on the sign?",
    });
    expect(result.answer).toBe("Three red squares.");
    expect(result.stopReason).toBe("answer");
    expect(result.trajectory.steps).toHaveLength(2);
    expect(result.trajectory.steps[0]?.actions[0]?.tool).toBe("crop");
    expect(result.images.list().map((image) => image.label)).toEqual(["image_1", "image_2"]);
    // The model saw the crop: a tool message, then the image in a user message.
    const second = server.requests[1]?.body;
    expect(second.messages.some((message: { role: string }) => message.role === "tool")).toBe(true);
  });

  it("takes images as bytes, named or not, and names them in the provenance", async () => {
    const server = await modelServer([{ content: "Two images." }]);
    const bytes = new Uint8Array(await readFile(street));
    // Images are content-addressed: the second must differ to be a second image.
    const flipped = new Uint8Array(await sharp(bytes).flip().png().toBuffer());
    const result = await ask({
      model: { baseUrl: server.baseUrl, name: TEST_MODEL_ID },
      images: [bytes, { bytes: flipped, name: "street-flipped.png" }],
      question: "How many images?",
    });
    const sources = result.images.list().map((image) => image.provenance);
    expect(sources).toEqual([
      { kind: "input", source: "input image 1 (bytes)" },
      { kind: "input", source: "street-flipped.png" },
    ]);
  });

  it("applies the profile under the caller's values, which win", async () => {
    const server = await modelServer([{ content: "<answer>red</answer>" }]);
    const result = await ask({
      model: { baseUrl: server.baseUrl, name: TEST_MODEL_ID, temperature: 0.7 },
      profile: "r1v4",
      question: "Colour?",
      tools: [],
    });
    const body = server.requests[0]?.body;
    expect(body.temperature).toBe(0.7); // the caller's, over the profile's 0.2
    expect(body.max_tokens).toBe(8192); // the profile's
    expect(result.trajectory.config.dialect).toBe("skywork-r1v4");
  });

  it("refuses a bad value as a LoupeError that names the key, before any request", async () => {
    const server = await modelServer([{ content: "unused" }]);
    const error = await failure(
      ask({
        model: { baseUrl: server.baseUrl, name: TEST_MODEL_ID },
        question: "q",
        budgets: { maxSteps: 0 },
      }),
    );
    expect(error.code).toBe("config");
    expect(error.message).toContain("budgets.maxSteps");
    const badUrl = await failure(ask({ model: { baseUrl: "ftp://example.test", name: "m" }, question: "q" }));
    expect(badUrl.message).toContain("model.baseUrl");
    const unknownTool = await failure(
      ask({ model: { baseUrl: server.baseUrl, name: TEST_MODEL_ID }, question: "q", tools: ["telescope"] }),
    );
    expect(unknownTool.message).toContain('Unknown tool "telescope"');
    expect(server.requests).toHaveLength(0);
  });

  it("sends a prompt pack given as an object, and refuses a bad one naming the field", async () => {
    const server = await modelServer([{ content: "ok" }]);
    await ask({
      model: { baseUrl: server.baseUrl, name: TEST_MODEL_ID },
      question: "q",
      promptPack: { system: "You are the pack's assistant." },
    });
    expect(server.requests[0]?.body.messages[0]).toEqual({
      role: "system",
      content: "You are the pack's assistant.",
    });
    const error = await failure(
      ask({
        model: { baseUrl: server.baseUrl, name: TEST_MODEL_ID },
        question: "q",
        promptPack: { system: 42 } as never,
      }),
    );
    expect(error.message).toContain("system");
  });
});

describe("streamAsk", () => {
  it("yields the run's events in order and resolves the result", async () => {
    const server = await modelServer(zoomThenAnswer);
    const run = streamAsk({
      model: { baseUrl: server.baseUrl, name: TEST_MODEL_ID },
      images: [street],
      question: "What is on the sign?",
    });
    const types: string[] = [];
    for await (const event of run) if (event.type !== "text-delta") types.push(event.type);
    expect(types).toEqual([
      "run-start",
      "step-start",
      "tool-call-start",
      "tool-call-end",
      "step-start",
      "answer",
      "run-end",
    ]);
    expect((await run.result).answer).toBe("Three red squares.");
  });

  it("cancels the run when the consumer stops reading", async () => {
    const server = await startModelServer([zoomThenAnswer[0]!, { hang: true }]);
    servers.push(server);
    const run = streamAsk({
      model: { baseUrl: server.baseUrl, name: TEST_MODEL_ID },
      images: [street],
      question: "q",
    });
    for await (const event of run.events) if (event.type === "tool-call-end") break;
    const result = await run.result;
    expect(result.stopReason).toBe("cancelled");
    expect(result.trajectory.steps[0]?.actions[0]?.tool).toBe("crop");
  });

  it("throws a run that cannot start from the events, and rejects the result", async () => {
    const run = streamAsk({ model: { baseUrl: "not a url", name: "m" }, question: "q" });
    const error = await failure(
      (async () => {
        for await (const _event of run.events);
      })(),
    );
    expect(error.message).toContain("model.baseUrl");
    expect((await failure(run.result)).code).toBe("config");
  });
});

describe("toServerSentEvents", () => {
  it("writes one `event:`/`data:` block per event", async () => {
    const server = await modelServer([{ content: "Hello." }]);
    const run = streamAsk({ model: { baseUrl: server.baseUrl, name: TEST_MODEL_ID }, question: "Hi?" });
    const text = await new Response(toServerSentEvents(run.events)).text();
    const blocks = text.split("\n\n").filter(Boolean);
    const events = blocks.map((block) => {
      const [eventLine, dataLine, ...rest] = block.split("\n");
      expect(rest).toEqual([]);
      const type = eventLine?.replace(/^event: /, "");
      const data = JSON.parse(dataLine?.replace(/^data: /, "") ?? "") as RunEvent;
      expect(data.type).toBe(type);
      return data;
    });
    expect(events[0]?.type).toBe("run-start");
    expect(events.at(-1)).toMatchObject({ type: "run-end", stopReason: "answer" });
  });

  it("ends with one error event when the run cannot start", async () => {
    const run = streamAsk({ model: { baseUrl: "not a url", name: "m" }, question: "q" });
    const text = await new Response(toServerSentEvents(run.events)).text();
    expect(text).toMatch(/^event: error\ndata: \{"type":"error","code":"config",.*model\.baseUrl.*\}\n\n$/);
  });
});

describe("defineTool", () => {
  it("checks the model's arguments against the schema and wraps a text result", async () => {
    const tool = defineTool({
      name: "shout",
      description: "Upper-cases a word.",
      parameters: z.object({ word: z.string() }),
      execute: ({ word }) => word.toUpperCase(),
    });
    const result = await tool.execute({ word: "zoom" }, {} as never);
    expect(result).toEqual({ text: "ZOOM", images: [] });
    expect(tool.parameters.safeParse({ word: 3 }).success).toBe(false);
  });
});
