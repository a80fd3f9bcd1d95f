import { afterEach, describe, expect, it } from "vitest";
import { type ModelServer, type ScriptedReply, startModelServer } from "./model-server.js";

let server: ModelServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(script: ScriptedReply[]): Promise<ModelServer> {
  server = await startModelServer(script);
  return server;
}

function post(baseUrl: string, body: unknown): Promise<Response> {
  return fetch(`${baseUrl}/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: "Bearer secret" },
    body: JSON.stringify(body),
  });
}

// biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary wire JSON.
async function readJson(response: Response): Promise<any> {
  return response.json();
}

/** The JSON payloads of an SSE body, with the final [DONE] kept as a string. */
// biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary wire JSON.
async function readEvents(response: Response): Promise<any[]> {
  const text = await response.text();
  return text
    .split("\n\n")
    .filter((block) => block.startsWith("data: "))
    .map((block) => block.slice("data: ".length))
    .map((data) => (data === "[DONE]" ? data : JSON.parse(data)));
}

describe("startModelServer", () => {
  it("lists one model", async () => {
    const { baseUrl } = await start([]);
    const response = await fetch(`${baseUrl}/models`);
    expect(await readJson(response)).toMatchObject({ data: [{ id: "test-model" }] });
  });

  it("answers non-streaming requests with message, reasoning, tool calls and usage, and records them", async () => {
    const { baseUrl, requests } = await start([
      {
        content: "hello",
        reasoning: "thinking",
        toolCalls: [{ name: "crop", arguments: { box: [1, 2] } }],
        usage: { prompt_tokens: 10, completion_tokens: 3, cached_tokens: 4 },
      },
    ]);
    const response = await post(baseUrl, {
      model: "test-model",
      messages: [{ role: "user", content: "hi" }],
    });
    const json = await readJson(response);
    expect(json.choices[0].message).toEqual({
      role: "assistant",
      content: "hello",
      reasoning_content: "thinking",
      tool_calls: [
        { id: "call_0", type: "function", function: { name: "crop", arguments: '{"box":[1,2]}' } },
      ],
    });
    expect(json.choices[0].finish_reason).toBe("tool_calls");
    expect(json.usage).toMatchObject({
      prompt_tokens: 10,
      completion_tokens: 3,
      prompt_tokens_details: { cached_tokens: 4 },
    });
    expect(requests[0]?.body.messages[0].content).toBe("hi");
    expect(requests[0]?.headers.authorization).toBe("Bearer secret");
  });

  it("streams content, reasoning and tool call pieces, then finish, usage and [DONE]", async () => {
    const { baseUrl } = await start([
      {
        content: "abcdefghij",
        reasoning: "rrrr",
        toolCalls: [{ id: "x1", name: "zoom", arguments: '{"factor": 2}' }],
        chunkSize: 4,
        usage: { prompt_tokens: 5, completion_tokens: 6 },
      },
    ]);
    const response = await post(baseUrl, {
      model: "m",
      messages: [],
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(response.headers.get("content-type")).toContain("text/event-stream");
    const events = await readEvents(response);
    const deltas = events.filter((event) => typeof event === "object").flatMap((event) => event.choices);
    const content = deltas.map((choice) => choice.delta?.content ?? "").join("");
    const reasoning = deltas.map((choice) => choice.delta?.reasoning_content ?? "").join("");
    const argumentsText = deltas
      .flatMap((choice) => choice.delta?.tool_calls ?? [])
      .map((call) => call.function?.arguments ?? "")
      .join("");
    expect(content).toBe("abcdefghij");
    expect(reasoning).toBe("rrrr");
    expect(argumentsText).toBe('{"factor": 2}');
    expect(deltas.filter((choice) => choice.delta?.content).length).toBe(3);
    expect(deltas.at(-1).finish_reason).toBe("tool_calls");
    expect(events.at(-2)).toMatchObject({ choices: [], usage: { prompt_tokens: 5, completion_tokens: 6 } });
    expect(events.at(-1)).toBe("[DONE]");
  });

  it("cuts content before the first stop string and reports it in stop_reason", async () => {
    const { baseUrl } = await start([{ content: "<code>print(1)</code> and more </answer>" }]);
    const response = await post(baseUrl, { model: "m", messages: [], stop: ["</answer>", "</code>"] });
    const json = await readJson(response);
    expect(json.choices[0]).toMatchObject({
      message: { content: "<code>print(1)" },
      finish_reason: "stop",
      stop_reason: "</code>",
    });
  });

  it("sends OpenAI error bodies with Retry-After, and errors once the script is exhausted", async () => {
    const { baseUrl } = await start([{ status: 429, error: { message: "slow down" }, retryAfterSeconds: 2 }]);
    const first = await post(baseUrl, { model: "m", messages: [] });
    expect(first.status).toBe(429);
    expect(first.headers.get("retry-after")).toBe("2");
    expect(await readJson(first)).toMatchObject({ error: { message: "slow down" } });
    const second = await post(baseUrl, { model: "m", messages: [] });
    expect(second.status).toBe(500);
    expect((await readJson(second)).error.message).toMatch(/exhausted/);
  });

  it("drops the connection mid-stream when asked", async () => {
    const { baseUrl } = await start([
      { content: "a long answer that never arrives", chunkSize: 2, dropAfterChunks: 3 },
    ]);
    const response = await post(baseUrl, { model: "m", messages: [], stream: true });
    await expect(response.text()).rejects.toThrow();
  });

  it("close() ends hanging requests", async () => {
    const started = await startModelServer([{ hang: true }]);
    const pending = post(started.baseUrl, { model: "m", messages: [] });
    while (started.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    await started.close();
    await expect(pending).rejects.toThrow();
  });

  it("passes the request and its index to a function script", async () => {
    const { baseUrl } = await (async () => {
      server = await startModelServer((request, index) => ({
        content: `${index}:${request.body.messages.length}`,
      }));
      return server;
    })();
    await post(baseUrl, { model: "m", messages: [] });
    const response = await post(baseUrl, { model: "m", messages: [{ role: "user", content: "x" }] });
    expect((await readJson(response)).choices[0].message.content).toBe("1:1");
  });

  it("sends raw bodies with the scripted status and content type", async () => {
    const { baseUrl } = await start([
      { raw: "<html><title>Sign in</title></html>", contentType: "text/html" },
    ]);
    const response = await post(baseUrl, { model: "m", messages: [] });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/html");
    expect(await response.text()).toBe("<html><title>Sign in</title></html>");
  });

  it("writes scripted SSE entries verbatim, and can keep the connection open", async () => {
    const { baseUrl } = await start([
      { sse: ["data: not json\n\n", ": a comment\n\n"] },
      { sse: ['data: {"choices":[]}\n\n'], keepOpen: true },
    ]);
    const closed = await post(baseUrl, { model: "m", messages: [], stream: true });
    expect(closed.headers.get("content-type")).toBe("text/event-stream");
    expect(await closed.text()).toBe("data: not json\n\n: a comment\n\n");
    const open = await post(baseUrl, { model: "m", messages: [], stream: true });
    const reader = open.body!.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toBe('data: {"choices":[]}\n\n');
    const next = await Promise.race([
      reader.read(),
      new Promise((resolve) => setTimeout(resolve, 100, "open")),
    ]);
    expect(next).toBe("open");
    await reader.cancel();
  });

  it("streams an endless reply until the client goes away, in both modes", async () => {
    const { baseUrl } = await start([{ endless: { content: "ha" } }, { endless: { content: "ha" } }]);
    for (const stream of [true, false]) {
      const response = await post(baseUrl, { model: "m", messages: [], stream });
      const reader = response.body!.getReader();
      let bytes = 0;
      while (bytes < 200_000) bytes += (await reader.read()).value?.length ?? 0;
      await reader.cancel();
      expect(bytes).toBeGreaterThanOrEqual(200_000);
    }
  });
});
