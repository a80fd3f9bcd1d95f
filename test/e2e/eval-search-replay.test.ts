import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type ModelServer, type RecordedRequest, startModelServer } from "../support/model-server.js";
import { runCli } from "../support/run-cli.js";

/**
 * `--search-replay`: a first evaluation searches the real local index (`loupe index add`); a
 * second, in a home whose index is empty, replays that evaluation's searches: the model is shown
 * the very same hits (the observation's backend label says "recorded").
 */
let server: ModelServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const toolResults = (requests: readonly RecordedRequest[]) =>
  requests.flatMap((request) =>
    (request.body.messages as { role: string; content: string }[])
      .filter((message) => message.role === "tool")
      .map((message) => message.content),
  );

describe("loupe eval run --search-replay", () => {
  it("serves the searches an earlier evaluation saw, identically, without the index", async () => {
    const dir = await mkdtemp(join(tmpdir(), "loupe-eval-replay-"));
    const corpus = join(dir, "corpus");
    await mkdir(corpus);
    for (const [index, city] of ["Lisbon", "Porto"].entries())
      await writeFile(
        join(corpus, `story-${index}.html`),
        `<!doctype html><html><head><title>Capital story ${index}</title><link rel="canonical" href="https://news.example.com/${index}"></head><body><article><h1>Capital story ${index}</h1><p>The harbour city in this story is ${city}; the river meets the sea there and the bridges are famous.</p></article></body></html>`,
      );
    const firstHome = join(dir, "home-1");
    const ingest = await runCli(["index", "add", corpus, "--json"], { env: { LOUPE_HOME: firstHome } });
    expect(ingest.code, ingest.stderr).toBe(0);

    server = await startModelServer((request) => {
      const question = JSON.stringify(request.body.messages[request.body.messages.length - 1]);
      if (!request.body.messages.some((message: { role: string }) => message.role === "tool")) {
        const query = question.includes("item 0") ? "harbour city Lisbon" : "harbour city Porto";
        return { toolCalls: [{ name: "text_search", arguments: { queries: [query] } }] };
      }
      return { content: "Lisbon" };
    });
    const rows = [0, 1].map((index) =>
      JSON.stringify({ id: `q${index}`, question: `Which city, item ${index}?`, answer: "Lisbon" }),
    );
    await writeFile(join(dir, "data.jsonl"), `${rows.join("\n")}\n`);
    const store = join(dir, "eval.db");
    const flags = [
      "--data",
      join(dir, "data.jsonl"),
      "--tools",
      "text_search",
      "--base-url",
      server.baseUrl,
      "--model",
      "test-model",
      "--store",
      store,
    ];

    const first = await runCli(["eval", "run", "generic", "--id", "live", "--concurrency", "1", ...flags], {
      env: { LOUPE_HOME: firstHome },
    });
    expect(first.code, first.stderr).toBe(0);
    const seen = toolResults(server.requests);
    expect(seen).toHaveLength(2);
    expect(seen.join("\n")).toContain("news.example.com");

    const before = server.requests.length;
    const replay = await runCli(
      ["eval", "run", "generic", "--id", "again", "--concurrency", "1", "--search-replay", "live", ...flags],
      { env: { LOUPE_HOME: join(dir, "home-2") } },
    );
    expect(replay.code, replay.stderr).toBe(0);
    expect(replay.stderr).toContain("Searches are answered from evaluation live (2 runs recorded)");
    // The same hits in the same words; only the label naming the backend says where they came from.
    expect(toolResults(server.requests.slice(before))).toEqual(
      seen.map((text) => text.replaceAll("(local)", "(recorded)")),
    );
  }, 120_000);
});
