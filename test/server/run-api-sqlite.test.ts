import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sha256Hex } from "../../src/core/images.js";
import type { RunStore } from "../../src/core/run-store.js";
import { openRunStore } from "../../src/store/open-run-store.js";
import { runApiSuite } from "./run-api-suite.js";
import {
  json,
  readServerSentEvents,
  startTestServer,
  type TestServer,
  testPng,
  testPngDataUrl,
} from "./server-harness.js";

/** The run API with runs checkpointed into a SQLite store. */
runApiSuite("SQLite", {
  open: async () => openRunStore(join(await mkdtemp(join(tmpdir(), "loupe-serve-store-")), "loupe.db")),
});

describe("runs no longer in memory come from the store", () => {
  let location: string;
  let store: RunStore;
  let loupe: TestServer;
  const post = (path: string, body: unknown) =>
    fetch(`${loupe.url}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });

  beforeAll(async () => {
    location = join(await mkdtemp(join(tmpdir(), "loupe-serve-store-")), "loupe.db");
    store = await openRunStore(location);
    loupe = await startTestServer(
      (request) => {
        const text = JSON.stringify(request.body.messages);
        if (text.includes("rotate it") && !text.includes('"role":"tool"'))
          return {
            toolCalls: [{ id: "call_r", name: "rotate", arguments: { image: "image_1", degrees: 90 } }],
          };
        return { content: "Rotated and blue." };
      },
      {
        config: {
          approval: { tools: ["rotate"] },
          tools: ["crop", "rotate"],
          server: { finishedRunsKept: 1 },
        },
        store,
      },
    );
  });

  afterAll(async () => {
    await loupe.close();
    await store.close();
  });

  it("fetches, lists, replays, serves images of and resumes a run the registry forgot", async () => {
    const created = await json(
      await post("/v1/runs", { question: "Please rotate it", images: [await testPngDataUrl()] }),
    );
    await readServerSentEvents(await fetch(`${loupe.url}/v1/runs/${created.id}/events`));
    // Two more runs finish, so the first is forgotten by memory (server.finishedRunsKept 1).
    for (const question of ["one", "two"]) {
      const other = await json(await post("/v1/runs", { question }));
      await readServerSentEvents(await fetch(`${loupe.url}/v1/runs/${other.id}/events`));
    }
    expect(loupe.server.context.registry.get(created.id)).toBeUndefined();

    const paused = await json(await fetch(`${loupe.url}/v1/runs/${created.id}`));
    expect(paused).toMatchObject({ status: "paused", awaiting_approval: ["call_r"] });
    const listed = await json(await fetch(`${loupe.url}/v1/runs?stop_reason=paused`));
    expect(listed.data.map((run: { id: string }) => run.id)).toEqual([created.id]);
    const image = await fetch(`${loupe.url}/v1/images/${sha256Hex(await testPng())}`);
    expect(new Uint8Array(await image.arrayBuffer())).toEqual(await testPng());
    const replayed = await readServerSentEvents(await fetch(`${loupe.url}/v1/runs/${created.id}/events`));
    expect(replayed[0]?.event).toBe("run-start");
    expect(replayed.at(-1)?.data.stopReason).toBe("paused");

    const resumed = await post(`/v1/runs/${created.id}/resume`, { approve: "all" });
    expect(resumed.status).toBe(202);
    const rest = await readServerSentEvents(await fetch(`${loupe.url}/v1/runs/${created.id}/events`));
    expect(rest.at(-1)?.data.stopReason).toBe("answer");
    expect((await store.getTrajectory(created.id))?.answer).toBe("Rotated and blue.");
  });

  it("finds the runs again after a restart on the same store file", async () => {
    const again = await openRunStore(location);
    const restarted = await startTestServer([], { store: again });
    try {
      const runs = await json(await fetch(`${restarted.url}/v1/runs?text=please`));
      expect(runs.data).toHaveLength(1);
      expect(runs.data[0]).toMatchObject({ stopReason: "answer", toolsUsed: ["rotate"] });
    } finally {
      await restarted.close();
      await again.close();
    }
  });
});
