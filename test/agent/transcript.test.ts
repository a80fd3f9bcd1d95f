import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { replayEvents } from "../../src/agent/replay-events.js";
import { trajectorySchema } from "../../src/core/trajectory.js";
import { imagePartCount, modelServer, requestMessages, runWithServer } from "./agent-harness.js";

/** A deep-research run as Skywork's hosted API returns it: every turn in one content string. */
const transcript = [
  "<think>The photo shows a hotel facade with a partly hidden sign. A reverse image search should identify the building.</think>",
  '<tool_call>{"name": "image_search", "arguments": {"image_paths": ["<image>"]}}</tool_call>',
  '<observation>[{"title": "JINC SAINT Hotel lobby", "source": "https://img.example/1.jpg", "link": "https://travel.example/jinc-saint"}]</observation>',
  "<think>The hotel seems to be the JINC Saint Hotel. Confirm the city with a text search.</think>",
  '<tool_call>{"name": "text_search", "arguments": {"queries": ["JINC Saint Hotel address", "JINC Saint Hotel city"]}}</tool_call>}',
  '<observation>[{"title": "Jinke Saint Hotel", "url": "https://maps.example/jinke", "snippet": "No. 99 Minzu Road, Yuzhong District, Chongqing"}]</observation>',
  "<think>Check the sign's colours to be sure it is the same building.</think>",
  '<tool_call>{"name": "code", "arguments": {"code": "w, h = image_1.size\\nshow(image_1.crop((0, 0, w // 2, h // 2)))"}}</tool_call>',
  '<observation>{"result": "<sub-image 2>", "type": "code"}</observation>',
  "<think>Everything agrees: the hotel is in Chongqing.</think>",
  "<answer>Chongqing, China (Yuzhong District).</answer>",
].join("\n");

const transcriptModel = { response: "transcript", extraBody: { enable_search: true } };

describe("runAgent with a server that returns the whole run as a transcript", () => {
  it("makes one request and records each transcript step, its action and its observation", async () => {
    const server = await modelServer([
      { content: transcript, usage: { prompt_tokens: 1500, completion_tokens: 700 } },
    ]);
    const { trajectory, events, images } = await runWithServer({
      server,
      dialect: "skywork-r1v4",
      model: transcriptModel,
      question: "Where is this hotel?",
    });
    expect(server.requests).toHaveLength(1);
    const body = server.requests[0]!.body;
    expect(body.tools).toBeUndefined();
    expect(body.stop).toBeUndefined();
    expect(body.enable_search).toBe(true);
    const sent = requestMessages(server, 0);
    expect(sent.map((message) => message.role)).toEqual(["user"]);
    expect(imagePartCount(sent[0])).toBe(1);
    expect(sent[0].content[0].type).toBe("image_url");

    expect(trajectory.stopReason).toBe("answer");
    expect(trajectory.answer).toBe("Chongqing, China (Yuzhong District).");
    expect(trajectory.steps).toHaveLength(4);
    const [search, text, code, last] = trajectory.steps;
    expect(search!.actions[0]).toMatchObject({ tool: "image_search", arguments: { images: ["<image>"] } });
    expect(search!.observations[0]).toMatchObject({ tool: "image_search", isError: false, images: [] });
    expect(search!.observations[0]!.text).toContain("JINC SAINT Hotel lobby");
    expect(search!.output.reasoning).toMatch(/reverse image search/);
    expect(text!.actions[0]).toMatchObject({
      tool: "text_search",
      arguments: { queries: ["JINC Saint Hotel address", "JINC Saint Hotel city"] },
    });
    expect(code!.actions[0]!.tool).toBe("python");
    expect(code!.actions[0]!.arguments).toEqual({
      code: "w, h = image_1.size\nshow(image_1.crop((0, 0, w // 2, h // 2)))",
    });
    expect(last!.actions).toEqual([]);
    expect(last!.answer).toBe("Chongqing, China (Yuzhong District).");
    expect(trajectory.budgetsUsed).toMatchObject({ steps: 4, toolCalls: 3 });
    expect(trajectory.budgetsUsed.usage).toMatchObject({ promptTokens: 1500, completionTokens: 700 });
    // The client takes a leading <think> block as the reply's reasoning; together they are the whole text.
    const reply = trajectory.messages.at(-1);
    expect(reply).toMatchObject({ role: "assistant", reasoning: expect.stringMatching(/^The photo shows/) });
    expect(reply?.role === "assistant" && transcript.endsWith(reply.content.trim())).toBe(true);
    expect(trajectorySchema.safeParse(JSON.parse(JSON.stringify(trajectory))).success).toBe(true);

    const kinds = events.map((event) => event.type).filter((type) => type !== "reasoning-delta");
    expect(kinds).toEqual([
      "run-start",
      ...["step-start", "tool-call-start", "tool-call-end"],
      ...["step-start", "tool-call-start", "tool-call-end"],
      ...["step-start", "tool-call-start", "tool-call-end"],
      "step-start",
      "answer",
      "run-end",
    ]);
    expect(events.filter((event) => event.type === "reasoning-delta")).toHaveLength(4);
    // `loupe replay` of the recorded run shows what was shown live.
    const withoutDeltas = (list: Iterable<{ type: string }>) =>
      [...list].filter((event) => !event.type.endsWith("-delta")).map((event) => JSON.stringify(event));
    const live = withoutDeltas(events).filter((line) => !line.includes('"run-end"'));
    const replayed = withoutDeltas(replayEvents(trajectory, images)).filter(
      (line) => !line.includes('"run-end"'),
    );
    expect(live).toEqual(replayed);
  });

  it("ends with no-action when the transcript stops without an answer", async () => {
    const cut = transcript.slice(0, transcript.indexOf("<think>Check the sign"));
    const server = await modelServer([{ content: cut }]);
    const { trajectory } = await runWithServer({ server, dialect: "skywork-r1v4", model: transcriptModel });
    expect(trajectory.stopReason).toBe("no-action");
    expect(trajectory.answer).toBeUndefined();
    expect(trajectory.steps).toHaveLength(2);
  });

  it("keeps an unreadable transcript action as an action error beside its observation", async () => {
    const broken =
      "<think>Search.</think><tool_call>{name: text_search, queries</tool_call>" +
      "<observation>no results</observation><answer>unknown</answer>";
    const server = await modelServer([{ content: broken }]);
    const { trajectory, events } = await runWithServer({
      server,
      dialect: "skywork-r1v4",
      model: transcriptModel,
    });
    const [step] = trajectory.steps;
    expect(step!.actions).toEqual([]);
    expect(step!.actionErrors).toHaveLength(1);
    expect(step!.observations[0]).toMatchObject({ text: "no results", isError: false });
    expect(trajectory.budgetsUsed.toolCalls).toBe(0);
    expect(events.some((event) => event.type === "error" && event.code === "model-output")).toBe(true);
    expect(trajectory.answer).toBe("unknown");
  });

  it("records a reply with no tool use as one step whose text is the answer", async () => {
    const server = await modelServer([{ content: "<think>Plainly red.</think>The quadrant is red." }]);
    const { trajectory } = await runWithServer({ server, dialect: "skywork-r1v4", model: transcriptModel });
    expect(trajectory.steps).toHaveLength(1);
    expect(trajectory.answer).toBe("The quadrant is red.");
    expect(trajectory.stopReason).toBe("no-action");
  });

  it("bounds the one hosted request by the time budget", async () => {
    const server = await modelServer(() => ({ hang: true }));
    const startedAt = Date.now();
    const { trajectory } = await runWithServer({
      server,
      dialect: "skywork-r1v4",
      model: { ...transcriptModel, timeoutMs: 60_000 },
      budgets: { maxWallMs: 400 },
    });
    expect(Date.now() - startedAt).toBeLessThan(30_000);
    expect(trajectory.stopReason).toBe("budget-time");
    expect(trajectory.error?.code).toBe("no-answer");
    expect(trajectory.answer).toBeUndefined();
  });

  it("reports a failing server as an error run", async () => {
    const server = await modelServer([{ status: 401, error: { message: "invalid api key" } }]);
    const { trajectory } = await runWithServer({ server, dialect: "skywork-r1v4", model: transcriptModel });
    expect(trajectory.stopReason).toBe("error");
    expect(trajectory.error?.message).toMatch(/invalid api key/);
    expect(trajectory.steps).toEqual([]);
  });

  it("adds the images the hosted code produced (data URLs) to the run, named as sub-images", async () => {
    const png = new Uint8Array(
      await sharp({ create: { width: 48, height: 32, channels: 3, background: { r: 200, g: 40, b: 40 } } })
        .png()
        .toBuffer(),
    );
    const base64 = Buffer.from(png).toString("base64");
    // Line-wrapped inside the JSON string, as long payloads sometimes are; whitespace is dropped.
    const wrapped = `${base64.slice(0, 30)}\n${base64.slice(30)}`;
    const hosted = [
      "<think>Crop the sign.</think>",
      '<tool_call>{"name": "code", "arguments": {"code": "show(image_1.crop((0, 0, 48, 32)))"}}</tool_call>',
      `<observation>{"result": "data:image/png;base64,${wrapped}", "broken": "data:image/png;base64,AAAAAAAA", "type": "code"}</observation>`,
      "<think>The crop is red.</think><answer>Red.</answer>",
    ].join("\n");
    const server = await modelServer([{ content: hosted }]);
    const { trajectory, events, images } = await runWithServer({
      server,
      dialect: "skywork-r1v4",
      model: transcriptModel,
    });
    const [code] = trajectory.steps;
    const observation = code!.observations[0]!;
    expect(observation.images).toHaveLength(1);
    const ref = images.byId(observation.images[0]!)!;
    expect(ref).toMatchObject({ mime: "image/png", width: 48, height: 32, label: "image_2" });
    expect(ref.provenance).toEqual({
      kind: "tool",
      tool: "python",
      operation: "hosted",
      parameters: {},
      callId: "transcript_1",
      step: 1,
    });
    expect([...images.bytes(ref.id)]).toEqual([...png]);
    expect(trajectory.images.map((image) => image.id)).toContain(ref.id);
    // The recorded text names the image as R1V4 does; the undecodable one is left out with a note.
    expect(observation.text).toMatch(
      /^\{"result": "<sub-image 1>", "broken": "\[an image \(image\/png\) was left out: .+\]", "type": "code"\}$/,
    );
    expect(observation.text).not.toContain("base64");
    const end = events.find((event) => event.type === "tool-call-end");
    expect(end?.type === "tool-call-end" && end.images.map((image) => image.id)).toEqual([ref.id]);
    expect(trajectory.answer).toBe("Red.");
    expect(trajectorySchema.safeParse(JSON.parse(JSON.stringify(trajectory))).success).toBe(true);
  });
});
