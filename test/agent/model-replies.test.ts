import { describe, expect, it } from "vitest";
import type { RunAgentOptions } from "../../src/agent/run-agent.js";
import type { Trajectory } from "../../src/core/trajectory.js";
import { trajectorySchema } from "../../src/core/trajectory.js";
import { cropCall, modelServer, runWithServer } from "./agent-harness.js";

describe("runAgent on model replies that end a run", () => {
  it("ends on an empty reply without an answer, saying so", async () => {
    const server = await modelServer([{ content: "" }, { content: "never asked" }]);
    const { trajectory, events } = await runWithServer({ server });
    expect(server.requests).toHaveLength(1);
    expect(trajectory.stopReason).toBe("no-action");
    expect(trajectory.answer).toBeUndefined();
    expect(trajectory.error).toMatchObject({ code: "no-answer" });
    expect(trajectory.error?.message).toMatch(/reply was empty/);
    expect(events.some((event) => event.type === "error" && event.code === "no-answer")).toBe(true);
  });

  it("says a reply cut at max_tokens before any answer was cut, not empty", async () => {
    const server = await modelServer([
      { reasoning: "Let me think about the quadrants", content: "", finishReason: "length" },
    ]);
    const { trajectory } = await runWithServer({ server });
    expect(trajectory.answer).toBeUndefined();
    expect(trajectory.error?.message).toMatch(/max_tokens/);
  });

  it("ends with error on a reply that is not a chat completion, after its retries", async () => {
    const html = "<html><head><title>Proxy sign-in</title></head></html>";
    const server = await modelServer([
      { raw: html, contentType: "text/html" },
      { raw: html, contentType: "text/html" },
    ]);
    const { trajectory, events } = await runWithServer({ server, model: { stream: false, maxRetries: 1 } });
    expect(server.requests).toHaveLength(2);
    expect(trajectory.stopReason).toBe("error");
    expect(trajectory.error?.code).toBe("model-output");
    expect(trajectory.error?.message).toContain("Proxy sign-in");
    expect(events.filter((event) => event.type === "error" && event.retrying)).toHaveLength(1);
  });

  it("keeps a reply cut at maxReplyChars as the step, and ends with error", async () => {
    const server = await modelServer([
      { toolCalls: [cropCall([0, 0, 320, 240])] },
      { endless: { content: "round and round " } },
    ]);
    const { trajectory } = await runWithServer({ server, model: { maxReplyChars: 2_000 } });
    expect(server.requests).toHaveLength(2);
    expect(trajectory.stopReason).toBe("error");
    expect(trajectory.error?.code).toBe("model-output");
    expect(trajectory.error?.message).toMatch(/passed 2,000 characters/);
    expect(trajectory.steps).toHaveLength(2);
    const cut = trajectory.steps[1]!;
    expect(cut.output.finishReason).toBe("length");
    expect(cut.output.content.startsWith("round and round ")).toBe(true);
    expect(cut.output.content.length).toBeLessThan(2_100);
    expect(cut.answer).toBeUndefined();
    expect(trajectorySchema.safeParse(trajectory).success).toBe(true);
  });

  it("reports waiting on a silent server as model-wait events", async () => {
    const server = await modelServer([{ hang: true }]);
    const { trajectory, events } = await runWithServer({
      server,
      model: { idleTimeoutMs: 400, maxRetries: 0 },
    });
    expect(trajectory.stopReason).toBe("error");
    expect(trajectory.error?.code).toBe("model-timeout");
    expect(events.some((event) => event.type === "model-wait")).toBe(true);
  });

  it("hands a checkpoint of the trajectory to onCheckpoint at the start, after every step and every finished call", async () => {
    const server = await modelServer([
      { toolCalls: [cropCall([0, 0, 320, 240])] },
      { toolCalls: [cropCall([320, 0, 640, 240])] },
      { content: "Red." },
    ]);
    const checkpoints: Trajectory[] = [];
    const onCheckpoint: RunAgentOptions["onCheckpoint"] = async (checkpoint) => {
      checkpoints.push(structuredClone(checkpoint));
    };
    const { trajectory } = await runWithServer({ server, onCheckpoint });
    expect(trajectory.stopReason).toBe("answer");
    // Start; then per tool step: the reply with its plan, the finished crop, the whole step.
    expect(checkpoints.map((checkpoint) => checkpoint.steps.length)).toEqual([0, 0, 0, 1, 1, 1, 2]);
    const inProgress = checkpoints.map(
      (checkpoint) => checkpoint.resume?.stepInProgress?.observations.length,
    );
    expect(inProgress).toEqual([undefined, 0, 1, undefined, 0, 1, undefined]);
    for (const checkpoint of checkpoints) {
      expect(trajectorySchema.safeParse(checkpoint).success).toBe(true);
      expect(checkpoint.error?.code).toBe("incomplete");
    }
    expect(checkpoints[6]!.steps[1]!.observations[0]).toMatchObject({ tool: "crop", isError: false });
  });
});
