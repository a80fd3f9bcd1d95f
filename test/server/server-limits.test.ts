import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assertBindAllowed, isLoopbackHost, matchApiKey } from "../../src/apps/server/auth.js";
import { json, readServerSentEvents, startTestServer, type TestServer } from "./server-harness.js";

/** Who may call the server and how much: keys, the bind rule, body size, runs per key, CORS. */

describe("API keys", () => {
  let loupe: TestServer;
  beforeAll(async () => {
    loupe = await startTestServer(() => ({ content: "Yes." }), {
      config: { server: { apiKeys: ["key-from-config"] } },
      env: { LOUPE_API_KEYS: "key-a, key-b" },
    });
  });
  afterAll(() => loupe.close());

  it("requires a bearer key on every /v1 route when keys are configured", async () => {
    const missing = await fetch(`${loupe.url}/v1/models`);
    expect(missing.status).toBe(401);
    expect((await json(missing)).error).toMatchObject({
      type: "authentication_error",
      code: "invalid_api_key",
      message: "An API key is required: send Authorization: Bearer <key>.",
    });
    const wrong = await fetch(`${loupe.url}/v1/runs`, { headers: { authorization: "Bearer nope" } });
    expect(wrong.status).toBe(401);
    expect((await json(wrong)).error.message).toBe("The API key is not valid for this server.");
    expect((await fetch(`${loupe.url}/metrics`)).status).toBe(401);
  });

  it("accepts keys from the config and from LOUPE_API_KEYS, through the openai client", async () => {
    for (const key of ["key-from-config", "key-b"]) {
      const client = new OpenAI({ baseURL: `${loupe.url}/v1`, apiKey: key, maxRetries: 0 });
      const reply = await client.chat.completions.create({
        model: "test-model",
        messages: [{ role: "user", content: "Hi?" }],
      });
      expect(reply.choices[0]?.message.content).toBe("Yes.");
    }
    const client = new OpenAI({ baseURL: `${loupe.url}/v1`, apiKey: "stolen", maxRetries: 0 });
    await expect(client.models.list()).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
  });

  it("leaves health and version open", async () => {
    expect(await json(await fetch(`${loupe.url}/healthz`))).toMatchObject({ status: "ok" });
    expect(await json(await fetch(`${loupe.url}/version`))).toMatchObject({
      name: "loupe",
      version: "0.1.0",
    });
  });

  it("matches keys exactly", () => {
    expect(matchApiKey("Bearer key-a", ["key-a"])).toBe("key-a");
    expect(matchApiKey("bearer  key-a ", ["key-a"])).toBe("key-a");
    expect(matchApiKey("Bearer key-ab", ["key-a"])).toBeUndefined();
    expect(matchApiKey("Basic key-a", ["key-a"])).toBeUndefined();
    expect(matchApiKey(undefined, ["key-a"])).toBeUndefined();
  });
});

describe("the bind rule", () => {
  it("refuses a non-loopback address without an API key, naming what to do", () => {
    for (const host of ["0.0.0.0", "::", "192.168.1.20", "example.com"]) {
      expect(() => assertBindAllowed(host, [])).toThrow(/Refusing to listen on .* without an API key/);
    }
    try {
      assertBindAllowed("0.0.0.0", []);
    } catch (error) {
      expect((error as { code: string; hint: string }).code).toBe("config");
      expect((error as { hint: string }).hint).toContain("LOUPE_API_KEYS");
    }
    expect(() => assertBindAllowed("0.0.0.0", ["a-key"])).not.toThrow();
  });

  it("allows loopback addresses without a key", () => {
    for (const host of ["127.0.0.1", "127.1.2.3", "::1", "[::1]", "localhost"]) {
      expect(isLoopbackHost(host)).toBe(true);
      expect(() => assertBindAllowed(host, [])).not.toThrow();
    }
    expect(isLoopbackHost("128.0.0.1")).toBe(false);
  });
});

describe("request limits", () => {
  let loupe: TestServer;
  let releaseModel: () => void = () => {};
  beforeAll(async () => {
    loupe = await startTestServer(
      async (request) => {
        if (JSON.stringify(request.body.messages).includes("hold"))
          await new Promise<void>((resolve) => {
            releaseModel = resolve;
          });
        return { content: "Done." };
      },
      {
        config: {
          server: {
            maxBodyBytes: 2048,
            maxConcurrentRunsPerKey: 1,
            retryAfterSeconds: 7,
            cors: { origins: ["https://app.example"] },
          },
        },
      },
    );
  });
  afterAll(() => loupe.close());

  it("answers 413 with a JSON error past server.maxBodyBytes", async () => {
    const response = await fetch(`${loupe.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ messages: [{ role: "user", content: "x".repeat(4096) }] }),
    });
    expect(response.status).toBe(413);
    expect((await json(response)).error).toMatchObject({
      code: "body-too-large",
      message: "The request body is over 2,048 bytes (server.maxBodyBytes).",
    });
  });

  it("counts a streamed body with no Content-Length against the limit too", async () => {
    const piece = new TextEncoder().encode(`{"messages":[{"role":"user","content":"${"y".repeat(1000)}`);
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 10) controller.enqueue(piece);
        else controller.close();
      },
    });
    const response = await fetch(`${loupe.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
      duplex: "half",
    } as RequestInit);
    expect(response.status).toBe(413);
    expect((await json(response)).error.code).toBe("body-too-large");
  });

  it("answers 429 with Retry-After when a key has its most runs going, and takes runs again after", async () => {
    const first = await fetch(`${loupe.url}/v1/runs`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ question: "hold on" }),
    });
    expect(first.status).toBe(201);
    const { id } = await json(first);
    const second = await fetch(`${loupe.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ messages: [{ role: "user", content: "me too" }] }),
    });
    expect(second.status).toBe(429);
    expect(second.headers.get("retry-after")).toBe("7");
    expect((await json(second)).error).toMatchObject({ type: "rate_limit_exceeded", code: "too-many-runs" });
    while (loupe.model.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    releaseModel();
    await readServerSentEvents(await fetch(`${loupe.url}/v1/runs/${id}/events`));
    const third = await fetch(`${loupe.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ messages: [{ role: "user", content: "now?" }] }),
    });
    expect(third.status).toBe(200);
  });

  it("answers a CORS preflight from an allowed origin, and not another", async () => {
    const preflight = await fetch(`${loupe.url}/v1/chat/completions`, {
      method: "OPTIONS",
      headers: {
        origin: "https://app.example",
        "access-control-request-method": "POST",
        "access-control-request-headers": "authorization, content-type",
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-origin")).toBe("https://app.example");
    expect(preflight.headers.get("access-control-allow-headers")?.toLowerCase()).toContain("authorization");
    const other = await fetch(`${loupe.url}/v1/models`, { headers: { origin: "https://evil.example" } });
    expect(other.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("counts runs, steps, stop reasons, errors and model latency on /metrics", async () => {
    const text = await (await fetch(`${loupe.url}/metrics`)).text();
    expect(text).toMatch(/^loupe_runs_started_total [1-9]/m);
    expect(text).toMatch(/^loupe_runs_finished_total\{stop_reason="answer"\} [1-9]/m);
    expect(text).toMatch(/^loupe_steps_total [1-9]/m);
    expect(text).toMatch(/^loupe_errors_total\{code="rate-limited"\} 1$/m);
    expect(text).toMatch(/^loupe_model_latency_seconds_count [1-9]/m);
    expect(text).toMatch(/^loupe_runs_in_flight 0$/m);
    expect(text).toContain("# TYPE loupe_model_latency_seconds histogram");
  });
});

describe("server config", () => {
  it("refuses bad server settings, naming the key", async () => {
    await expect(startTestServer([], { config: { server: { maxBodyBytes: 0 } } })).rejects.toThrow(
      /server\.maxBodyBytes: /,
    );
    await expect(startTestServer([], { config: { server: { publicUrl: "ftp://x" } } })).rejects.toThrow(
      /server\.publicUrl: must be an http:\/\/ or https:\/\/ URL/,
    );
    await expect(startTestServer([], { config: { server: { maxRunsPerKey: 3 } } })).rejects.toThrow(
      /server: Unrecognized key/,
    );
  });
});
