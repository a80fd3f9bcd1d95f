import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  json,
  readServerSentEvents,
  startTestServer,
  type TestServer,
  testPngDataUrl,
} from "./server-harness.js";

/**
 * Loupe as an OpenAI-compatible model: the official openai client, non-streaming and streaming,
 * against `loupe serve`'s app on a loopback port, with the scripted model server behind it.
 */

let loupe: TestServer;
let client: OpenAI;

beforeAll(async () => {
  loupe = await startTestServer((request) => {
    const text = JSON.stringify(request.body.messages);
    if (text.includes("model breaks")) return { status: 500, error: { message: "out of GPU memory" } };
    // A crop first when asked to look closer, then the answer.
    if (text.includes("look closer") && !text.includes('"role":"tool"'))
      return {
        reasoning: "The sign is small; I will crop it.",
        toolCalls: [{ name: "crop", arguments: { image: "image_1", box: [0, 0, 32, 24] } }],
        usage: { prompt_tokens: 100, completion_tokens: 10 },
      };
    return {
      reasoning: "It is blue.",
      content: "The image is blue.",
      usage: { prompt_tokens: 120, completion_tokens: 8 },
    };
  });
  client = new OpenAI({ baseURL: `${loupe.url}/v1`, apiKey: "unused", maxRetries: 0 });
});

afterAll(async () => {
  await loupe.close();
});

describe("POST /v1/chat/completions", () => {
  it("answers a question about an image (non-streaming), with the run's id and link", async () => {
    const { data, response } = await client.chat.completions
      .create({
        model: "test-model",
        messages: [
          {
            role: "user",
            content: [
              { type: "text", text: "What colour is this? look closer" },
              { type: "image_url", image_url: { url: await testPngDataUrl() } },
            ],
          },
        ],
      })
      .withResponse();
    expect(data.choices[0]?.message.content).toBe("The image is blue.");
    expect(data.choices[0]?.finish_reason).toBe("stop");
    expect(data.usage).toMatchObject({ prompt_tokens: 220, completion_tokens: 18, total_tokens: 238 });
    // biome-ignore lint/suspicious/noExplicitAny: Loupe's extra fields.
    const extra = data as any;
    expect(extra.choices[0].message.reasoning_content).toContain("→ crop(");
    expect(extra.choices[0].message.reasoning_content).toContain("← crop returned [+1 image]");
    // The answer is the content, not repeated in the reasoning.
    expect(extra.choices[0].message.reasoning_content).not.toContain("The image is blue.");
    const runId = response.headers.get("x-loupe-run-id");
    expect(extra.loupe.run_id).toBe(runId);
    expect(extra.loupe.run_url).toBe(`${loupe.url}/v1/runs/${runId}`);
    const run = await json(await fetch(extra.loupe.run_url));
    expect(run.status).toBe("finished");
    expect(run.trajectory.answer).toBe("The image is blue.");
    expect(run.trajectory.steps[0].actions[0].tool).toBe("crop");
  });

  it("streams the steps as reasoning_content and the answer as content, usage last", async () => {
    const stream = await client.chat.completions.create({
      model: "test-model",
      stream: true,
      stream_options: { include_usage: true },
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: "What colour? look closer" },
            { type: "image_url", image_url: { url: await testPngDataUrl() } },
          ],
        },
      ],
    });
    let reasoning = "";
    let content = "";
    let finish: string | null | undefined;
    let usage: OpenAI.CompletionUsage | undefined | null;
    for await (const chunk of stream) {
      // biome-ignore lint/suspicious/noExplicitAny: reasoning_content is vLLM's field.
      const delta = chunk.choices[0]?.delta as any;
      reasoning += delta?.reasoning_content ?? "";
      content += delta?.content ?? "";
      finish = chunk.choices[0]?.finish_reason ?? finish;
      if (chunk.usage) usage = chunk.usage;
    }
    expect(content).toBe("The image is blue.");
    expect(reasoning).toContain("The sign is small; I will crop it.");
    expect(reasoning).toContain("→ crop(");
    expect(reasoning).toContain("It is blue.");
    expect(reasoning).not.toContain("The image is blue.");
    expect(finish).toBe("stop");
    expect(usage).toMatchObject({ prompt_tokens: 220, completion_tokens: 18 });
  });

  it("raises the model server's failure in the client, streaming or not", async () => {
    const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: "user", content: "the model breaks" }];
    const whole = await client.chat.completions
      .create({ model: "test-model", messages })
      .catch((error: unknown) => error);
    expect(whole).toBeInstanceOf(OpenAI.APIError);
    expect((whole as InstanceType<typeof OpenAI.APIError>).status).toBe(502);
    expect((whole as Error).message).toContain("out of GPU memory");
    const stream = await client.chat.completions.create({ model: "test-model", messages, stream: true });
    const streamed = await (async () => {
      for await (const _chunk of stream) {
      }
    })().catch((error: unknown) => error);
    expect(streamed).toBeInstanceOf(OpenAI.APIError);
    expect((streamed as Error).message).toContain("out of GPU memory");
  });

  it("ends the stream with [DONE] on the wire", async () => {
    const response = await fetch(`${loupe.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ stream: true, messages: [{ role: "user", content: "Hello?" }] }),
    });
    expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const events = await readServerSentEvents(response);
    expect(events.at(-1)?.data).toBe("[DONE]");
    expect(events[0]?.data.loupe.run_id).toBe(response.headers.get("x-loupe-run-id"));
  });

  it("writes earlier turns above the question", async () => {
    const before = loupe.model.requests.length;
    await client.chat.completions.create({
      model: "test-model",
      messages: [
        { role: "system", content: "Answer briefly." },
        { role: "user", content: "My cat is called Miso." },
        { role: "assistant", content: "A fine name." },
        { role: "user", content: "What is my cat called?" },
      ],
    });
    const sent = JSON.stringify(loupe.model.requests[before]?.body.messages);
    expect(sent).toContain("The conversation so far:");
    expect(sent).toContain("User: My cat is called Miso.");
    expect(sent).toContain("Assistant: A fine name.");
    expect(sent).toContain("Instructions: Answer briefly.");
    expect(sent).toContain("What is my cat called?");
  });

  it("takes dialect, tools and budgets as extra body fields", async () => {
    const before = loupe.model.requests.length;
    // Loupe's extra fields, as vLLM takes extra parameters (the client's types do not know them).
    const body = {
      model: "test-model",
      messages: [{ role: "user", content: "Hi" }],
      dialect: "native",
      tools: ["crop", "rotate"],
      budgets: { maxSteps: 3 },
    } as unknown as OpenAI.ChatCompletionCreateParamsNonStreaming;
    const reply = await client.chat.completions.create(body);
    expect(reply.choices[0]?.message.content).toBe("The image is blue.");
    const toolNames = loupe.model.requests[before]?.body.tools.map(
      (tool: { function: { name: string } }) => tool.function.name,
    );
    expect(toolNames.sort()).toEqual(["crop", "rotate"]);
  });

  it("takes the mode as an extra body field: direct answers in one turn without tools", async () => {
    const before = loupe.model.requests.length;
    const body = {
      model: "test-model",
      messages: [{ role: "user", content: "Hi" }],
      mode: "direct",
    } as unknown as OpenAI.ChatCompletionCreateParamsNonStreaming;
    const reply = await client.chat.completions.create(body);
    expect(reply.choices[0]?.message.content).toBe("The image is blue.");
    expect(loupe.model.requests[before]?.body.tools).toBeUndefined();
    // biome-ignore lint/suspicious/noExplicitAny: Loupe's extra fields.
    const run = await json(await fetch((reply as any).loupe.run_url));
    expect(run.trajectory.mode).toBe("direct");
    const refused = await fetch(`${loupe.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ mode: "telepathy", messages: [{ role: "user", content: "Hi" }] }),
    });
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { error: unknown }).error).toMatchObject({
      param: "mode",
      message: expect.stringContaining("telepathy"),
    });
  });

  it("lists the configured model on /v1/models and refuses unknown ones by name", async () => {
    const models = await client.models.list();
    expect(models.data.map((model) => model.id)).toEqual(["test-model"]);
    const error = await client.chat.completions
      .create({ model: "gpt-9", messages: [{ role: "user", content: "Hi" }] })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
    expect((error as InstanceType<typeof OpenAI.APIError>).message).toContain('"gpt-9" does not exist here');
    expect((error as InstanceType<typeof OpenAI.APIError>).code).toBe("model_not_found");
  });

  it("names what is wrong: bad JSON, an unknown dialect, an image that will not decode, function tools", async () => {
    const post = (body: string) =>
      fetch(`${loupe.url}/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body,
      });
    const badJson = await post("{ not json");
    expect(badJson.status).toBe(400);
    expect((await json(badJson)).error).toMatchObject({
      code: "invalid_json",
      type: "invalid_request_error",
    });

    const dialect = await post(
      JSON.stringify({ dialect: "klingon", messages: [{ role: "user", content: "Hi" }] }),
    );
    expect(dialect.status).toBe(400);
    const dialectError = (await json(dialect)).error;
    expect(dialectError.message).toContain("klingon");
    expect(dialectError.code).toBe("config");
    expect(dialectError.param).toBe("dialect");

    const image = await post(
      JSON.stringify({
        messages: [
          {
            role: "user",
            content: [
              { type: "text", text: "What?" },
              {
                type: "image_url",
                image_url: { url: `data:image/png;base64,${Buffer.from("not a png").toString("base64")}` },
              },
            ],
          },
        ],
      }),
    );
    expect(image.status).toBe(400);
    const imageError = (await json(image)).error;
    expect(imageError.param).toBe("messages[0].content[1].image_url.url");
    expect(imageError.code).toBe("image-invalid");

    const tools = await post(
      JSON.stringify({
        messages: [{ role: "user", content: "Hi" }],
        tools: [{ type: "function", function: { name: "get_weather" } }],
      }),
    );
    expect(tools.status).toBe(400);
    expect((await json(tools)).error.message).toContain("Loupe tool names");

    const last = await post(JSON.stringify({ messages: [{ role: "assistant", content: "Hi" }] }));
    expect((await json(last)).error.message).toContain("The last message must be the user's question");
  });
});
