import { afterEach, describe, expect, it } from "vitest";
import {
  type ModelScript,
  type ModelServer,
  type ScriptedReply,
  startModelServer,
} from "../../test/support/model-server.js";
import { modelConfigSchema } from "../core/config.js";
import { LoupeError } from "../core/errors.js";
import { ChatClient } from "./chat-client.js";

let server: ModelServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function clientFor(
  script: ModelScript | ScriptedReply[],
  config: Record<string, unknown> = {},
): Promise<{ client: ChatClient; server: ModelServer }> {
  server = await startModelServer(script);
  const client = new ChatClient(
    modelConfigSchema.parse({ baseUrl: server.baseUrl, name: "test-model", maxRetries: 2, ...config }),
    { retryBaseDelayMs: 5 },
  );
  return { client, server };
}

const ask = [{ role: "user" as const, content: "What is in the image?" }];

async function failureOf(promise: Promise<unknown>): Promise<LoupeError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(LoupeError);
  return error as LoupeError;
}

describe.each([true, false])("ChatClient (stream: %s)", (stream) => {
  it("returns content and usage, sending sampling settings", async () => {
    const { client, server } = await clientFor(
      [
        {
          content: "A red flag on a pole.",
          usage: { prompt_tokens: 120, completion_tokens: 7, cached_tokens: 64 },
        },
      ],
      { stream, temperature: 0.2, topP: 0.9, maxTokens: 512 },
    );
    const output = await client.complete({ messages: ask });
    expect(output).toMatchObject({
      content: "A red flag on a pole.",
      finishReason: "stop",
      toolCalls: [],
      usage: { promptTokens: 120, completionTokens: 7, cachedPromptTokens: 64 },
    });
    expect(output.reasoning).toBeUndefined();
    const body = server.requests[0]?.body;
    expect(body).toMatchObject({
      model: "test-model",
      temperature: 0.2,
      top_p: 0.9,
      max_tokens: 512,
      stream,
    });
    expect(body.messages).toEqual(ask);
    if (stream) expect(body.stream_options).toEqual({ include_usage: true });
    else expect(body.stream_options).toBeUndefined();
  });

  it("leaves usage at zero when the server reports none", async () => {
    const { client } = await clientFor([{ content: "ok" }], { stream });
    expect((await client.complete({ messages: ask })).usage).toMatchObject({
      promptTokens: 0,
      completionTokens: 0,
    });
  });

  it("captures reasoning_content", async () => {
    const { client } = await clientFor([{ reasoning: "The pole is tall.", content: "A flag." }], { stream });
    const output = await client.complete({ messages: ask });
    expect(output.reasoning).toBe("The pole is tall.");
    expect(output.content).toBe("A flag.");
  });

  it("splits a leading <think> block out of content, and the implicit Qwen3 form", async () => {
    const { client } = await clientFor(
      [
        { content: "<think>\nLook at the top.\n</think>\n\nA flag." },
        { content: "Look closer.\n</think>\nA pole." },
      ],
      { stream },
    );
    expect(await client.complete({ messages: ask })).toMatchObject({
      reasoning: "Look at the top.",
      content: "A flag.",
    });
    expect(await client.complete({ messages: ask })).toMatchObject({
      reasoning: "Look closer.",
      content: "A pole.",
    });
  });

  it("assembles tool calls and sends tools with parallel_tool_calls", async () => {
    const tools = [
      {
        type: "function" as const,
        function: { name: "crop", description: "Crop", parameters: { type: "object", properties: {} } },
      },
    ];
    const { client, server } = await clientFor(
      [
        {
          toolCalls: [
            { id: "call_a", name: "crop", arguments: { bbox_2d: [10, 20, 300, 400], label: "sign" } },
            { id: "call_b", name: "zoom", arguments: '{"factor": 3}' },
          ],
          chunkSize: 3,
        },
      ],
      { stream },
    );
    const output = await client.complete({ messages: ask, tools, parallelToolCalls: false });
    expect(output.finishReason).toBe("tool_calls");
    expect(output.toolCalls).toEqual([
      { id: "call_a", name: "crop", arguments: '{"bbox_2d":[10,20,300,400],"label":"sign"}' },
      { id: "call_b", name: "zoom", arguments: '{"factor": 3}' },
    ]);
    expect(server.requests[0]?.body).toMatchObject({ tools, parallel_tool_calls: false });
  });

  it("restores the stop string the server cut, when asked", async () => {
    const content = "<think>crop first</think><code>\n```python\nprint(image_1.size)\n```\n</code> trailing";
    const { client, server } = await clientFor([{ content }, { content }], { stream });
    const stop = ["</code>", "</answer>"];
    const restored = await client.complete({ messages: ask, stop, restoreStopSequence: true });
    expect(restored.content).toBe("<code>\n```python\nprint(image_1.size)\n```\n</code>");
    expect(restored.reasoning).toBe("crop first");
    expect(restored.stopSequence).toBe("</code>");
    const plain = await client.complete({ messages: ask, stop });
    expect(plain.content).toBe("<code>\n```python\nprint(image_1.size)\n```\n");
    expect(plain.stopSequence).toBe("</code>");
    expect(server.requests[0]?.body.stop).toEqual(stop);
  });

  it("merges extraBody fields into the request", async () => {
    const { client, server } = await clientFor([{ content: "ok" }], {
      stream,
      extraBody: { top_k: 20, chat_template_kwargs: { enable_thinking: false }, enable_search: true },
    });
    await client.complete({ messages: ask });
    expect(server.requests[0]?.body).toMatchObject({
      top_k: 20,
      chat_template_kwargs: { enable_thinking: false },
      enable_search: true,
    });
  });

  it("retries a 500 and then succeeds", async () => {
    const retries: number[] = [];
    const { client, server } = await clientFor(
      [{ status: 500, error: { message: "engine dead" } }, { content: "ok" }],
      {
        stream,
      },
    );
    const output = await client.complete({ messages: ask, onRetry: (info) => retries.push(info.attempt) });
    expect(output.content).toBe("ok");
    expect(retries).toEqual([1]);
    expect(server.requests).toHaveLength(2);
  });

  it("does not retry a 400 and names the URL, status and server message", async () => {
    const { client, server } = await clientFor(
      [{ status: 400, error: { message: "maximum context length is 32768 tokens" } }, { content: "never" }],
      { stream },
    );
    const error = await failureOf(client.complete({ messages: ask }));
    expect(error.code).toBe("model-http");
    expect(error.message).toContain(`${server.baseUrl}/chat/completions`);
    expect(error.message).toContain("400");
    expect(error.message).toContain("maximum context length is 32768 tokens");
    expect(error.hint).toMatch(/its message says why/);
    expect(server.requests).toHaveLength(1);
  });

  it("explains how to enable tool calls when a server refuses them", async () => {
    const { client } = await clientFor(
      [
        {
          status: 400,
          error: { message: '"auto" tool choice requires --enable-auto-tool-choice to be set' },
        },
      ],
      { stream },
    );
    const error = await failureOf(client.complete({ messages: ask }));
    expect(error.hint).toMatch(/--tool-call-parser hermes/);
    expect(error.hint).toMatch(/--dialect/);
  });
});

describe("ChatClient retries and failures", () => {
  it("honours Retry-After on 429", async () => {
    const delays: number[] = [];
    const { client } = await clientFor([
      { status: 429, error: { message: "slow down" }, retryAfterSeconds: 1 },
      { content: "ok" },
    ]);
    const output = await client.complete({ messages: ask, onRetry: (info) => delays.push(info.delayMs) });
    expect(output.content).toBe("ok");
    expect(delays).toEqual([1000]);
  });

  it("retries a stream dropped mid-way, and reports the drop to onRetry", async () => {
    const errors: LoupeError[] = [];
    const { client, server } = await clientFor([
      { content: "This answer is cut off half way through.", chunkSize: 4, dropAfterChunks: 4 },
      { content: "Full answer." },
    ]);
    const output = await client.complete({ messages: ask, onRetry: (info) => errors.push(info.error) });
    expect(output.content).toBe("Full answer.");
    expect(errors).toHaveLength(1);
    expect(errors[0]?.code).toBe("model-unreachable");
    expect(server.requests).toHaveLength(2);
  });

  it("gives up on a hanging server with model-timeout after its retries", async () => {
    const { client, server } = await clientFor([{ hang: true }, { hang: true }, { content: "too late" }], {
      timeoutMs: 300,
      maxRetries: 1,
    });
    const error = await failureOf(client.complete({ messages: ask }));
    expect(error.code).toBe("model-timeout");
    expect(error.message).toContain(server.baseUrl);
    expect(error.message).toContain("2 attempts");
    expect(server.requests).toHaveLength(2);
  });

  it("times out a non-streaming request too", async () => {
    const { client } = await clientFor([{ hang: true }], { timeoutMs: 300, maxRetries: 0, stream: false });
    expect((await failureOf(client.complete({ messages: ask }))).code).toBe("model-timeout");
  });

  it("reports an unreachable server with a hint to start one", async () => {
    const closed = await startModelServer([]);
    const baseUrl = closed.baseUrl;
    await closed.close();
    const client = new ChatClient(modelConfigSchema.parse({ baseUrl, name: "m", maxRetries: 1 }), {
      retryBaseDelayMs: 5,
    });
    const error = await failureOf(client.complete({ messages: ask }));
    expect(error.code).toBe("model-unreachable");
    expect(error.message).toContain(baseUrl);
    expect(error.hint).toMatch(/vllm serve/);
  });

  it("raises cancelled when the caller aborts, without retrying", async () => {
    const { client, server } = await clientFor([{ hang: true }, { content: "never" }], { timeoutMs: 10_000 });
    const controller = new AbortController();
    const pending = client.complete({ messages: ask, signal: controller.signal });
    while (server.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    controller.abort();
    expect((await failureOf(pending)).code).toBe("cancelled");
    expect(server.requests).toHaveLength(1);
  });

  it("streams text and reasoning deltas, routing a <think> block to reasoning", async () => {
    const { client } = await clientFor([{ content: "<think>look up</think>The answer.", chunkSize: 3 }]);
    const text: string[] = [];
    const reasoning: string[] = [];
    await client.complete({
      messages: ask,
      onTextDelta: (delta) => text.push(delta),
      onReasoningDelta: (delta) => reasoning.push(delta),
    });
    expect(reasoning.join("")).toBe("look up");
    expect(text.join("")).toBe("The answer.");
    expect(text.length).toBeGreaterThan(1);
  });
});
