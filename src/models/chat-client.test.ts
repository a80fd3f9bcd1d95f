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
import type { ReplyTooLongError } from "./reply-limit.js";
import { SerializedMessages } from "./serialized-messages.js";

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

  it("sends messages serialized once each as they are, with the same body and headers", async () => {
    const { client, server } = await clientFor(
      [{ content: "one" }, { content: "two" }, { content: "three" }],
      {
        stream,
        extraBody: { top_k: 20, messages: [{ role: "user", content: "not ours" }] },
      },
    );
    const conversation = [
      { role: "system" as const, content: "Look closely." },
      {
        role: "user" as const,
        content: [
          { type: "text" as const, text: 'Ünïcode \u2028 and "quotes"' },
          { type: "image_url" as const, image_url: { url: "data:image/png;base64,iVBORw0KGgo=" } },
        ],
      },
    ];
    await client.complete({ messages: conversation });
    await client.complete({ messages: SerializedMessages.of(conversation) });
    await client.complete({ messages: SerializedMessages.of([]) });
    const [asObjects, asSerialized, empty] = server.requests;
    expect(asSerialized?.body).toEqual(asObjects?.body);
    expect(asSerialized?.body.messages).toEqual(conversation);
    expect(asSerialized?.body).toMatchObject({ top_k: 20, model: "test-model", stream });
    expect(asSerialized?.headers["content-type"]).toBe("application/json");
    expect(empty?.body.messages).toEqual([]);
  });

  it("names a redirect instead of following it", async () => {
    const { client } = await clientFor([{ status: 307 }, { status: 307 }, { status: 307 }], { stream });
    const error = await failureOf(client.complete({ messages: ask }));
    expect(error.code).toBe("model-output");
    expect(error.message).toMatch(/answered with a redirect.*model\.baseUrl/);
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

const completionJson = (choices: unknown[]) =>
  JSON.stringify({ id: "chatcmpl-x", object: "chat.completion", created: 0, model: "test-model", choices });
const chunkEvent = (choices: unknown[]) =>
  `data: ${JSON.stringify({ id: "c", object: "chat.completion.chunk", created: 0, model: "m", choices })}\n\n`;
const htmlPage =
  "<!doctype html><html><head><title>Sign in to the gateway</title></head><body>…</body></html>";

describe("ChatClient on replies that are not chat completions", () => {
  it("retries a completion with empty choices like a 5xx, then takes the good reply", async () => {
    const errors: LoupeError[] = [];
    const { client, server } = await clientFor([{ raw: completionJson([]) }, { content: "ok" }], {
      stream: false,
    });
    const output = await client.complete({ messages: ask, onRetry: (info) => errors.push(info.error) });
    expect(output.content).toBe("ok");
    expect(errors[0]?.code).toBe("model-output");
    expect(errors[0]?.message).toMatch(/no choices/);
    expect(server.requests).toHaveLength(2);
  });

  it("names an HTML page served with status 200 by its title, after its retries", async () => {
    const { client, server } = await clientFor(
      [
        { raw: htmlPage, contentType: "text/html; charset=utf-8" },
        { raw: htmlPage, contentType: "text/html" },
      ],
      { stream: false, maxRetries: 1 },
    );
    const error = await failureOf(client.complete({ messages: ask }));
    expect(error.code).toBe("model-output");
    expect(error.message).toContain("answered 200 with an HTML page, not a chat completion");
    expect(error.message).toContain("Sign in to the gateway");
    expect(error.message).toContain("2 attempts");
    expect(server.requests).toHaveLength(2);
  });

  it.each([
    ["a message that is not an object", completionJson([{ index: 0, message: "hi", finish_reason: "stop" }])],
    ["content that is not text", completionJson([{ index: 0, message: { role: "assistant", content: 42 } }])],
    [
      "a tool call without a name",
      completionJson([{ index: 0, message: { role: "assistant", tool_calls: [{ id: "a", function: {} }] } }]),
    ],
    ["a body that is not JSON", '{"id": "chatcmpl-x", "choices": [ {"mess'],
    ["an error body with status 200", JSON.stringify({ error: { message: "engine overloaded" } })],
  ])("fails on %s as a model-output failure", async (_name, raw) => {
    const { client, server } = await clientFor([{ raw }], { stream: false, maxRetries: 0 });
    const error = await failureOf(client.complete({ messages: ask }));
    expect(error.code).toBe("model-output");
    expect(error.message).toContain(server.baseUrl);
  });

  it("reads content sent as a list of text parts", async () => {
    const parts = [
      { type: "text", text: "A red " },
      { type: "text", text: "flag." },
    ];
    const { client } = await clientFor(
      [{ raw: completionJson([{ index: 0, message: { role: "assistant", content: parts } }]) }],
      { stream: false },
    );
    expect((await client.complete({ messages: ask })).content).toBe("A red flag.");
  });

  it("retries a stream whose events carry no choices at all", async () => {
    const errors: LoupeError[] = [];
    const { client } = await clientFor([
      { sse: [chunkEvent([]), chunkEvent([]), "data: [DONE]\n\n"] },
      { content: "ok" },
    ]);
    const output = await client.complete({ messages: ask, onRetry: (info) => errors.push(info.error) });
    expect(output.content).toBe("ok");
    expect(errors[0]?.code).toBe("model-output");
    expect(errors[0]?.message).toMatch(/no choices/);
  });

  it("fails on garbage in the event stream, quoting it", async () => {
    const { client } = await clientFor(
      [{ sse: [chunkEvent([{ index: 0, delta: { content: "A" } }]), "data: <<garbage>>\n\n"] }],
      { maxRetries: 0 },
    );
    const error = await failureOf(client.complete({ messages: ask }));
    expect(error.code).toBe("model-output");
    expect(error.message).toContain("<<garbage>>");
  });

  it("fails on an HTML page where an event stream was asked for", async () => {
    const { client } = await clientFor([{ raw: htmlPage, contentType: "text/html" }], { maxRetries: 0 });
    const error = await failureOf(client.complete({ messages: ask }));
    expect(error.code).toBe("model-output");
    expect(error.message).toContain("Sign in to the gateway");
  });

  it("takes a finished reply whose stream never sends [DONE] nor closes", async () => {
    const { client } = await clientFor(
      [
        {
          sse: [
            chunkEvent([{ index: 0, delta: { content: "Done, " } }]),
            chunkEvent([{ index: 0, delta: { content: "no [DONE]." }, finish_reason: "stop" }]),
          ],
          keepOpen: true,
        },
      ],
      { idleTimeoutMs: 300 },
    );
    const output = await client.complete({ messages: ask });
    expect(output).toMatchObject({ content: "Done, no [DONE].", finishReason: "stop" });
  });
});

describe("ChatClient on a silent server", () => {
  it("gives up after idleTimeoutMs without a byte, well before timeoutMs, reporting the wait", async () => {
    const waits: number[] = [];
    const { client, server } = await clientFor([{ hang: true }, { hang: true }], {
      idleTimeoutMs: 400,
      timeoutMs: 60_000,
      maxRetries: 1,
    });
    const started = Date.now();
    const error = await failureOf(
      client.complete({ messages: ask, onWait: (info) => waits.push(info.waitedMs) }),
    );
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(error.code).toBe("model-timeout");
    expect(error.message).toMatch(/sent nothing for 400 ms/);
    expect(error.hint).toMatch(/model\.idleTimeoutMs/);
    expect(server.requests).toHaveLength(2);
    expect(waits.length).toBeGreaterThanOrEqual(2);
    expect(waits[0]).toBeGreaterThanOrEqual(150);
  });

  it("gives up on a stream that stalls mid-reply", async () => {
    const { client } = await clientFor(
      [{ sse: [chunkEvent([{ index: 0, delta: { content: "I was say" } }])], keepOpen: true }],
      { idleTimeoutMs: 300, maxRetries: 0 },
    );
    const error = await failureOf(client.complete({ messages: ask }));
    expect(error.code).toBe("model-timeout");
    expect(error.message).toMatch(/sent nothing for 300 ms/);
  });

  it("rejects an idle timeout beyond Node's timer range", () => {
    const parsed = modelConfigSchema.safeParse({
      baseUrl: "http://127.0.0.1:1/v1",
      name: "m",
      idleTimeoutMs: 2 ** 31,
    });
    expect(parsed.success).toBe(false);
  });
});

describe("ChatClient on a reply that never ends", () => {
  it.each([true, false])(
    "stops at maxReplyChars (stream: %s), keeping what arrived, without retrying",
    async (stream) => {
      const { client, server } = await clientFor([{ endless: { content: "la " } }, { content: "never" }], {
        stream,
        maxReplyChars: 5_000,
      });
      const error = await failureOf(client.complete({ messages: ask }));
      expect(error.code).toBe("model-output");
      expect(error.message).toMatch(/passed 5,000 characters/);
      expect(error.hint).toMatch(/model\.maxReplyChars/);
      expect(server.requests).toHaveLength(1);
      const partial = (error as ReplyTooLongError).partial;
      expect(partial.content.length).toBeGreaterThan(0);
      expect(partial.content.startsWith("la la ")).toBe(true);
      expect(partial.finishReason).toBe("length");
    },
  );

  it("counts reasoning too, and bounds the reply by maxTokens when that is lower", async () => {
    const { client } = await clientFor([{ endless: { reasoning: "hmm " } }], {
      maxTokens: 10,
      maxRetries: 0,
    });
    const error = await failureOf(client.complete({ messages: ask }));
    expect(error.message).toMatch(/passed 320 characters/);
    expect((error as ReplyTooLongError).partial.reasoning?.startsWith("hmm hmm")).toBe(true);
  });
});
