import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sha256Hex } from "../../src/core/images.js";
import type { RunStore } from "../../src/core/run-store.js";
import { type LocalHttpServer, startLocalHttpServer } from "../../src/search/testing/local-http-server.js";
import type { RecordedRequest } from "../support/model-server.js";
import {
  json,
  readServerSentEvents,
  type ServerSentEvent,
  startTestServer,
  type TestServer,
  testPng,
  testPngDataUrl,
} from "./server-harness.js";

/**
 * The run API over real HTTP with a plain fetch SSE reader: create (JSON, multipart), follow
 * events and resume them with Last-Event-ID, fetch, list, cancel, pause and approve, images by
 * hash, a model failing mid-run, and a client that goes away mid-stream.
 */

/** Where a suite's server keeps runs: memory only, or a store it is given (opened per suite). */
export interface SuiteStore {
  open(): Promise<RunStore>;
}

const questionOf = (request: RecordedRequest): string => JSON.stringify(request.body.messages);
const wasObserved = (request: RecordedRequest): boolean => questionOf(request).includes('"role":"tool"');

export function runApiSuite(name: string, storage?: SuiteStore): void {
  describe(`the run API (${name})`, () => {
    let loupe: TestServer;
    let pages: LocalHttpServer;
    let store: RunStore | undefined;

    beforeAll(async () => {
      store = await storage?.open();
      loupe = await startTestServer(
        (request) => {
          const text = questionOf(request);
          if (text.includes("fail midway"))
            return wasObserved(request)
              ? { status: 500, error: { message: "the GPU fell over" } }
              : { toolCalls: [{ name: "crop", arguments: { image: "image_1", box: [0, 0, 32, 24] } }] };
          if (text.includes("take your time"))
            return { content: "Done at last.", delayMs: wasObserved(request) ? 0 : 30_000 };
          if (text.includes("slow answer"))
            return { content: "Slowly answered.", reasoning: "Thinking slowly.", delayMs: 600 };
          if (text.includes("rotate it please") && !wasObserved(request))
            return {
              toolCalls: [
                { id: "call_rotate", name: "rotate", arguments: { image: "image_1", degrees: 90 } },
              ],
            };
          if (text.includes("crop first") && !wasObserved(request))
            return {
              reasoning: "Cropping.",
              toolCalls: [{ name: "crop", arguments: { image: "image_1", box: [0, 0, 32, 24] } }],
              usage: { prompt_tokens: 50, completion_tokens: 5 },
            };
          return { content: "It is blue.", usage: { prompt_tokens: 60, completion_tokens: 4 } };
        },
        {
          config: {
            approval: { tools: ["rotate"] },
            tools: ["crop", "rotate"],
            server: { allowPrivateImageUrls: false },
          },
        },
      );
      pages = await startLocalHttpServer(async (_request, response) => {
        response.writeHead(200, { "content-type": "image/png" });
        response.end(Buffer.from(await testPng()));
      });
    });

    afterAll(async () => {
      await loupe.close();
      await pages.close();
      await store?.close();
    });

    async function createRun(body: Record<string, unknown>): Promise<string> {
      const response = await fetch(`${loupe.url}/v1/runs`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      const created = await json(response);
      expect(response.status, JSON.stringify(created)).toBe(201);
      return created.id;
    }

    async function events(id: string, headers: Record<string, string> = {}): Promise<ServerSentEvent[]> {
      return readServerSentEvents(await fetch(`${loupe.url}/v1/runs/${id}/events`, { headers }));
    }

    async function waitForStatus(
      id: string,
      status: string,
    ): Promise<{ status: string; [key: string]: unknown }> {
      for (let attempt = 0; attempt < 200; attempt++) {
        const run = await json(await fetch(`${loupe.url}/v1/runs/${id}`));
        if (run.status === status) return run;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      throw new Error(`run ${id} never reached ${status}`);
    }

    describe("runs", () => {
      it("streams a run's typed events with ids, and resumes after Last-Event-ID", async () => {
        const id = await createRun({ question: "What colour? crop first", images: [await testPngDataUrl()] });
        const all = await events(id);
        const types = all.map((event) => event.event);
        expect(types[0]).toBe("run-start");
        expect(types).toContain("tool-call-start");
        expect(types).toContain("tool-call-end");
        expect(types.at(-2)).toBe("answer");
        expect(types.at(-1)).toBe("run-end");
        expect(all.map((event) => Number(event.id))).toEqual(all.map((_event, index) => index + 1));
        expect(all.at(-1)?.data).toMatchObject({ type: "run-end", stopReason: "answer" });

        const cut = 3;
        const rest = await events(id, { "Last-Event-ID": String(cut) });
        expect(rest.map((event) => event.id)).toEqual(all.slice(cut).map((event) => event.id));
        expect(rest.map((event) => event.data)).toEqual(all.slice(cut).map((event) => event.data));
      });

      it("replays a live run's earlier events to a client that connects late, then follows it", async () => {
        const id = await createRun({ question: "slow answer" });
        const first = await readServerSentEvents(await fetch(`${loupe.url}/v1/runs/${id}/events`), {
          stopAfter: (event) => event.event === "step-start",
        });
        const lastSeen = first.at(-1)?.id as string;
        const more = await events(id, { "Last-Event-ID": lastSeen });
        expect(Number(more[0]?.id)).toBe(Number(lastSeen) + 1);
        expect(more.at(-1)?.data.stopReason).toBe("answer");
      });

      it("takes a multipart upload, fetches the trajectory and serves the input by its hash", async () => {
        const form = new FormData();
        form.set("question", "What colour is it?");
        form.append("image", new Blob([Buffer.from(await testPng())], { type: "image/png" }), "photo.png");
        form.set("tools", "crop");
        const response = await fetch(`${loupe.url}/v1/runs`, { method: "POST", body: form });
        expect(response.status).toBe(201);
        const { id, run_url: runUrl } = await json(response);
        await events(id);
        const run = await json(await fetch(runUrl));
        expect(run).toMatchObject({ status: "finished", stop_reason: "answer", answer: "It is blue." });
        const imageId = run.trajectory.inputs.images[0];
        expect(imageId).toBe(sha256Hex(await testPng()));
        const image = await fetch(`${loupe.url}/v1/images/${imageId}`);
        expect(image.headers.get("content-type")).toBe("image/png");
        expect(new Uint8Array(await image.arrayBuffer())).toEqual(await testPng());
        expect((await fetch(`${loupe.url}/v1/images/${"0".repeat(64)}`)).status).toBe(404);
      });

      it("lists and searches runs by the RunFilter fields", async () => {
        const id = await createRun({
          question: "Which penguin? crop first",
          images: [await testPngDataUrl()],
        });
        await events(id);
        const byText = await json(await fetch(`${loupe.url}/v1/runs?text=PENGUIN`));
        expect(byText.data.map((run: { id: string }) => run.id)).toEqual([id]);
        const byTool = await json(await fetch(`${loupe.url}/v1/runs?tool_used=crop&stop_reason=answer`));
        expect(byTool.data.map((run: { id: string }) => run.id)).toContain(id);
        expect(byTool.data.every((run: { toolsUsed: string[] }) => run.toolsUsed.includes("crop"))).toBe(
          true,
        );
        const bad = await fetch(`${loupe.url}/v1/runs?stop_reason=bored`);
        expect(bad.status).toBe(400);
        expect((await json(bad)).error.param).toBe("stop_reason");
      });

      it("cancels a running run, which is then recorded as cancelled", async () => {
        const id = await createRun({ question: "take your time" });
        await readServerSentEvents(await fetch(`${loupe.url}/v1/runs/${id}/events`), {
          stopAfter: (event) => event.event === "step-start",
        });
        const cancelled = await fetch(`${loupe.url}/v1/runs/${id}/cancel`, { method: "POST" });
        expect(await json(cancelled)).toMatchObject({ id, status: "finished", stop_reason: "cancelled" });
        const again = await fetch(`${loupe.url}/v1/runs/${id}/cancel`, { method: "POST" });
        expect(again.status).toBe(409);
      });

      it("pauses for approval, and goes on when the call is approved", async () => {
        const id = await createRun({ question: "rotate it please", images: [await testPngDataUrl()] });
        const first = await events(id);
        expect(first.at(-1)?.data.stopReason).toBe("paused");
        const paused = await json(await fetch(`${loupe.url}/v1/runs/${id}`));
        expect(paused).toMatchObject({ status: "paused", awaiting_approval: ["call_rotate"] });

        const undecided = await fetch(`${loupe.url}/v1/runs/${id}/resume`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: "{}",
        });
        expect(undecided.status).toBe(409);
        expect((await json(undecided)).error.message).toContain("call_rotate waits for approval");

        const resumed = await fetch(`${loupe.url}/v1/runs/${id}/resume`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ approve: ["call_rotate"] }),
        });
        expect(resumed.status).toBe(202);
        const { next_event_id: nextId } = await json(resumed);
        expect(nextId).toBe(Number(first.at(-1)?.id) + 1);
        const rest = await events(id, { "Last-Event-ID": String(first.at(-1)?.id) });
        expect(Number(rest[0]?.id)).toBe(nextId);
        expect(rest.map((event) => event.event)).toContain("tool-call-end");
        expect(rest.find((event) => event.event === "tool-call-end")?.data).toMatchObject({
          tool: "rotate",
          isError: false,
        });
        expect(rest.at(-1)?.data.stopReason).toBe("answer");
        const done = await json(await fetch(`${loupe.url}/v1/runs/${id}`));
        expect(done).toMatchObject({ status: "finished", answer: "It is blue." });
        expect(done.trajectory.steps[0].actions[0].tool).toBe("rotate");
      });

      it("asks a follow-up question of a finished run", async () => {
        const id = await createRun({ question: "What colour?" });
        await events(id);
        const resumed = await fetch(`${loupe.url}/v1/runs/${id}/resume`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ follow_up: "And now?" }),
        });
        expect(resumed.status).toBe(202);
        await waitForStatus(id, "finished");
        const run = await json(await fetch(`${loupe.url}/v1/runs/${id}`));
        expect(run.trajectory.followUps).toEqual([{ afterStep: 1, question: "And now?" }]);
      });

      it("a model server failing mid-run ends the run with an error event, recorded", async () => {
        const id = await createRun({ question: "fail midway", images: [await testPngDataUrl()] });
        const all = await events(id);
        const error = all.find((event) => event.event === "error");
        expect(error?.data).toMatchObject({ code: "model-http", retrying: false });
        expect(error?.data.message).toContain("the GPU fell over");
        expect(all.at(-1)?.data).toMatchObject({ stopReason: "error" });
        const run = await json(await fetch(`${loupe.url}/v1/runs/${id}`));
        expect(run.stop_reason).toBe("error");
        expect(run.trajectory.steps).toHaveLength(1);
        expect(run.error.code).toBe("model-http");

        const chat = await fetch(`${loupe.url}/v1/chat/completions`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({
            messages: [
              {
                role: "user",
                content: [
                  { type: "text", text: "fail midway" },
                  { type: "image_url", image_url: { url: await testPngDataUrl() } },
                ],
              },
            ],
          }),
        });
        expect(chat.status).toBe(502);
        const failure = (await json(chat)).error;
        expect(failure).toMatchObject({ type: "upstream_error", code: "model-http" });
        expect(failure.message).toContain("the GPU fell over");
        const runId = chat.headers.get("x-loupe-run-id") as string;
        expect((await json(await fetch(`${loupe.url}/v1/runs/${runId}`))).stop_reason).toBe("error");
      });

      it("keeps a run going when its streaming client goes away, and it stays fetchable", async () => {
        const controller = new AbortController();
        const response = await fetch(`${loupe.url}/v1/chat/completions`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ stream: true, messages: [{ role: "user", content: "slow answer" }] }),
          signal: controller.signal,
        });
        const id = response.headers.get("x-loupe-run-id") as string;
        const reader = (response.body as ReadableStream<Uint8Array>).getReader();
        await reader.read();
        controller.abort();
        await reader.cancel().catch(() => {});
        const run = await waitForStatus(id, "finished");
        expect(run).toMatchObject({ stop_reason: "answer", answer: "Slowly answered." });
      });

      it("refuses image URLs on private addresses unless the config allows them", async () => {
        const response = await fetch(`${loupe.url}/v1/runs`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ question: "What?", images: [`${pages.url}/photo.png`] }),
        });
        expect(response.status).toBe(400);
        const error = (await json(response)).error;
        expect(error.param).toBe("images[0]");
        expect(error.message).toContain("loopback");
        expect(error.message).toContain("server.allowPrivateImageUrls");
        expect(pages.requests).toHaveLength(0);
      });

      it("answers 404 for a run it does not know", async () => {
        const response = await fetch(`${loupe.url}/v1/runs/no-such-run`);
        expect(response.status).toBe(404);
        expect((await json(response)).error).toMatchObject({
          type: "not_found_error",
          code: "run-not-found",
        });
      });
    });

    describe("image URLs when private addresses are allowed", () => {
      it("fetches the image", async () => {
        const trusting = await startTestServer([{ content: "Blue." }], {
          config: { server: { allowPrivateImageUrls: true } },
        });
        try {
          const response = await fetch(`${trusting.url}/v1/runs`, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ question: "What?", images: [`${pages.url}/photo.png`] }),
          });
          expect(response.status).toBe(201);
          const { id } = await json(response);
          await readServerSentEvents(await fetch(`${trusting.url}/v1/runs/${id}/events`));
          const run = await json(await fetch(`${trusting.url}/v1/runs/${id}`));
          expect(run.trajectory.inputs.images[0]).toBe(sha256Hex(await testPng()));
        } finally {
          await trusting.close();
        }
      });
    });
  });
}
