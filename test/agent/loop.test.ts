import { describe, expect, it } from "vitest";
import { z } from "zod";
import { describeStop } from "../../src/agent/budget-tracker.js";
import { replayEvents } from "../../src/agent/replay-events.js";
import type { RunEvent } from "../../src/core/events.js";
import type { AnyTool } from "../../src/core/tool.js";
import { trajectorySchema } from "../../src/core/trajectory.js";
import {
  cropCall,
  imagePartCount,
  modelServer,
  requestMessages,
  requestText,
  runWithServer,
} from "./agent-harness.js";

/** Events without the streamed deltas and timings: what a live view and a replay must agree on. */
function outline(events: Iterable<RunEvent>): string[] {
  return [...events]
    .filter((event) => event.type !== "text-delta" && event.type !== "reasoning-delta")
    .map((event) => ("callId" in event ? `${event.type}:${event.callId}` : event.type));
}

describe("runAgent loop (real client, real server, real image tools)", () => {
  it("refuses the third identical crop and ends the run after a second refusal", async () => {
    const same = cropCall([0, 0, 320, 240]);
    const server = await modelServer([
      { toolCalls: [same] },
      { toolCalls: [same] },
      { toolCalls: [same] },
      { toolCalls: [same] },
      { content: "Red." },
    ]);
    const { trajectory, events, images } = await runWithServer({ server, budgets: { maxRepeats: 2 } });
    const observations = trajectory.steps.map((step) => step.observations[0]!);
    expect(observations.slice(0, 2).map((observation) => observation.isError)).toEqual([false, false]);
    expect(observations[2]!.text).toMatch(/^Not run: this exact crop call already ran/);
    expect(observations[3]!.text).toMatch(/^Not run/);
    expect(trajectory.budgetsUsed.toolCalls).toBe(2);
    expect(trajectory.stopReason).toBe("repeated-action");
    expect(server.requests).toHaveLength(5);
    expect(server.requests[4]!.body.tools).toBeUndefined();
    expect(requestText(server, 4)).toContain(describeStop("repeated-action"));
    expect(trajectory.answer).toBe("Red.");
    // Refused calls are shown live as they are in the trajectory and its replay.
    const ends = events.filter((event) => event.type === "tool-call-end");
    expect(ends.map((event) => event.text.startsWith("Not run"))).toEqual([false, false, true, true]);
    expect(outline(events)).toEqual(outline(replayEvents(trajectory, images)));
  });

  it("runs parallel native calls and sends both images in one user message after the tool messages", async () => {
    const server = await modelServer([
      { toolCalls: [cropCall([0, 0, 320, 240], "left"), cropCall([320, 0, 640, 240], "right")] },
      { content: "Red and green." },
    ]);
    const { trajectory } = await runWithServer({ server });
    expect(server.requests[0]!.body.parallel_tool_calls).toBe(true);
    const step = trajectory.steps[0]!;
    expect(step.observations.map((observation) => observation.callId)).toEqual(["left", "right"]);
    expect(step.observations.every((observation) => observation.images.length === 1)).toBe(true);

    const sent = requestMessages(server, 1);
    const tail = sent.slice(-4);
    expect(tail.map((message) => message.role)).toEqual(["assistant", "tool", "tool", "user"]);
    expect(tail[0].tool_calls.map((call: { id: string }) => call.id)).toEqual(["left", "right"]);
    expect(tail.slice(1, 3).map((message) => message.tool_call_id)).toEqual(["left", "right"]);
    expect(imagePartCount(tail[3])).toBe(2);
    const imageNote = JSON.stringify(tail[3].content);
    expect(imageNote).toContain("left");
    expect(imageNote).toContain("right");
    expect(trajectory.images).toHaveLength(3);
  });

  it("shows a tag dialect the produced image inside its observation turn", async () => {
    const server = await modelServer([
      {
        content:
          '<think>Zoom on the corner.</think>\n<tool_call>{"name": "image_zoom_in_tool", "arguments": {"bbox_2d": [0, 0, 320, 240]}}</tool_call>',
      },
      { content: "<think>It is red.</think><answer>red</answer>" },
    ]);
    const { trajectory } = await runWithServer({ server, dialect: "deepeyes" });
    expect(trajectory.answer).toBe("red");
    expect(trajectory.stopReason).toBe("answer");
    const observationTurn = requestMessages(server, 1).at(-1);
    expect(observationTurn.role).toBe("user");
    expect(imagePartCount(observationTurn)).toBe(1);
    expect(JSON.stringify(observationTurn.content)).toContain("<tool_response>");
    expect(server.requests[1]!.body.tools).toBeUndefined();
  });

  it("keeps the conversation append-only: each request's messages prefix the next, byte for byte", async () => {
    const server = await modelServer([
      { toolCalls: [cropCall([0, 0, 320, 240])] },
      { toolCalls: [cropCall([0, 240, 320, 480]), cropCall([320, 240, 640, 480])] },
      { toolCalls: [{ name: "rotate", arguments: { angle: 90 } }] },
      { content: "Done." },
    ]);
    await runWithServer({ server, budgets: { maxSteps: 3 } });
    expect(server.requests).toHaveLength(4);
    for (let index = 0; index + 1 < server.requests.length; index++) {
      const earlier = requestMessages(server, index);
      const later = requestMessages(server, index + 1);
      expect(later.length).toBeGreaterThan(earlier.length);
      expect(JSON.stringify(later.slice(0, earlier.length))).toBe(JSON.stringify(earlier));
    }
  });

  it("emits events in order and records a trajectory that validates", async () => {
    const server = await modelServer([
      { reasoning: "Look closer.", toolCalls: [cropCall([0, 0, 320, 240])] },
      { content: "Red." },
    ]);
    const { trajectory, events, images } = await runWithServer({ server });
    expect(outline(events)).toEqual(outline(replayEvents(trajectory, images)));
    const kinds = events
      .map((event) => event.type)
      .filter((type) => type !== "text-delta" && type !== "reasoning-delta");
    expect(kinds).toEqual([
      "run-start",
      "step-start",
      "tool-call-start",
      "tool-call-end",
      "step-start",
      "answer",
      "run-end",
    ]);
    expect(events.findIndex((event) => event.type === "reasoning-delta")).toBeGreaterThan(1);
    expect(events.at(-1)).toMatchObject({ type: "run-end", stopReason: "answer" });
    const parsed = trajectorySchema.safeParse(JSON.parse(JSON.stringify(trajectory)));
    expect(parsed.success, parsed.error?.message).toBe(true);
    expect(trajectory.steps[0]!.output.reasoning).toBe("Look closer.");
  });

  it("stops with the model's error code after retries and keeps the steps before it", async () => {
    const server = await modelServer([
      { toolCalls: [cropCall([0, 0, 320, 240])] },
      { status: 500, error: { message: "engine crashed" } },
      { status: 500, error: { message: "engine crashed again" } },
    ]);
    const { trajectory, events } = await runWithServer({ server, model: { maxRetries: 1 } });
    expect(server.requests).toHaveLength(3);
    expect(trajectory.stopReason).toBe("error");
    expect(trajectory.error?.code).toBe("model-http");
    expect(trajectory.error?.message).toMatch(/engine crashed/);
    expect(trajectory.steps).toHaveLength(1);
    expect(trajectory.steps[0]!.observations[0]!.isError).toBe(false);
    expect(events.filter((event) => event.type === "error").map((event) => event.retrying)).toEqual([
      true,
      false,
    ]);
    expect(trajectorySchema.safeParse(trajectory).success).toBe(true);
  });

  it("turns a throwing tool into an error observation and goes on", async () => {
    const explode: AnyTool = {
      name: "explode",
      description: "Always fails.",
      parameters: z.object({}),
      execute: async () => {
        throw new Error("the fuse was lit");
      },
    };
    const server = await modelServer([
      {
        toolCalls: [
          { name: "explode", arguments: {} },
          { name: "crop", arguments: { image: "image_9", box: [0, 0, 1, 1] } },
        ],
      },
      { content: "Red." },
    ]);
    const { trajectory } = await runWithServer({ server, extraTools: [explode] });
    const [exploded, missing] = trajectory.steps[0]!.observations;
    expect(exploded).toMatchObject({ tool: "explode", isError: true });
    expect(exploded!.text).toContain("explode failed: the fuse was lit");
    expect(missing).toMatchObject({ tool: "crop", isError: true });
    expect(missing!.text).toMatch(/image_9/);
    const toolMessages = requestMessages(server, 1).filter((message) => message.role === "tool");
    expect(toolMessages.map((message) => message.content)).toEqual([exploded!.text, missing!.text]);
    expect(trajectory.stopReason).toBe("answer");
    expect(trajectory.answer).toBe("Red.");
  });
});
