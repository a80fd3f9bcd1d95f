import { describe, expect, it } from "vitest";
import { RequestRate, rateLimitedModel } from "./request-rate.js";

describe("RequestRate", () => {
  it("spaces requests 1/R apart, in the order they asked, whatever the concurrency", () => {
    let now = 1_000;
    const rate = new RequestRate(4, () => now);
    expect([rate.reserve(), rate.reserve(), rate.reserve()]).toEqual([0, 250, 500]);
    now += 2_000; // idle: the next request goes at once, no burst saved up
    expect([rate.reserve(), rate.reserve()]).toEqual([0, 250]);
  });

  it("holds a model's requests to the rate across concurrent callers", async () => {
    const started: number[] = [];
    const model = rateLimitedModel(
      {
        model: "m",
        complete: async () => {
          started.push(performance.now());
          return { content: "", toolCalls: [], finishReason: "stop" } as never;
        },
      },
      new RequestRate(20),
    );
    const t0 = performance.now();
    await Promise.all(Array.from({ length: 6 }, () => model.complete({ messages: [] } as never)));
    // Six requests at 20/s: request i starts no sooner than i/20 s after the first (a late timer
    // only delays it further).
    for (const [i, at] of started.entries()) expect(at - t0).toBeGreaterThanOrEqual(i * 50 - 5);
  });

  it("lets a cancelled wait go on at once", async () => {
    const rate = new RequestRate(0.01);
    rate.reserve();
    const controller = new AbortController();
    const waiting = rate.acquire(controller.signal);
    controller.abort();
    await expect(waiting).resolves.toBeUndefined();
  });
});
