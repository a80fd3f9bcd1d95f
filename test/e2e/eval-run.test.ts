import { readFileSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { fixturePath, fixturesMissingMessage, hasFixtures } from "../support/fixtures.js";
import { type ModelServer, type RecordedRequest, startModelServer } from "../support/model-server.js";
import { runCli, spawnCli } from "../support/run-cli.js";

/**
 * A whole `loupe eval run` of LiveVQA's news rows against a scripted model and a scripted judge:
 * killed with SIGKILL once some results are in the store, resumed with --resume, then every item
 * is there exactly once, nothing finished was asked again, and the accuracy is the script's.
 */
const dataFile = fixturePath("livevqa-news", "benchmark.json");

interface Item {
  id: string;
  question: string;
  aliases: string[];
}

function fixtureItems(): Item[] {
  const rows = JSON.parse(readFileSync(dataFile, "utf8")) as Record<
    string,
    Record<string, unknown> | string
  >[];
  return rows.flatMap((row) =>
    [1, 2].flatMap((level) => {
      const qa = row[`level${level}_qa`] as Record<string, unknown> | undefined;
      return qa
        ? [
            {
              id: `${row.id}-L${level}`,
              question: qa.question as string,
              aliases: qa.Ground_Truth_List as string[],
            },
          ]
        : [];
    }),
  );
}

function userText(request: RecordedRequest): string {
  return (request.body.messages as { role: string; content: unknown }[])
    .filter((message) => message.role === "user")
    .map((message) =>
      typeof message.content === "string"
        ? message.content
        : (message.content as { type: string; text?: string }[]).map((part) => part.text ?? "").join("\n"),
    )
    .join("\n");
}

let servers: ModelServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map((server) => server.close()));
  servers = [];
});

describe.skipIf(!hasFixtures)("loupe eval run livevqa, killed and resumed", () => {
  if (!hasFixtures) console.warn(fixturesMissingMessage);

  it("keeps every finished result, redoes only what was in flight, and scores as scripted", async () => {
    const items = fixtureItems();
    expect(items).toHaveLength(80);
    const sharedQuestion = new Map<string, number>();
    for (const item of items) sharedQuestion.set(item.question, (sharedQuestion.get(item.question) ?? 0) + 1);
    // The script answers right for every third item whose question no other item shares.
    const rightFor = new Map(
      items
        .filter((item, index) => index % 3 === 0 && sharedQuestion.get(item.question) === 1)
        .map((item) => [item.question, item.aliases[0]!]),
    );
    const byLength = [...new Set(items.map((item) => item.question))].sort((a, b) => b.length - a.length);
    const questionOf = (request: RecordedRequest) => {
      const text = userText(request);
      return byLength.find((question) => text.includes(question));
    };

    const model = await startModelServer((request) => {
      const question = questionOf(request);
      const right = question === undefined ? undefined : rightFor.get(question);
      return {
        content: right ?? "I am not sure: perhaps Springfield.",
        delayMs: 120,
        usage: { prompt_tokens: 100, completion_tokens: 10 },
      };
    });
    const judge = await startModelServer((request) => {
      const prompt = String(request.body.messages[0].content);
      const predicted = /Predicted answer: (.*)/.exec(prompt)?.[1]?.trim() ?? "";
      const gold = /Gold target: (.*)/.exec(prompt)?.[1] ?? "";
      // LiveVQA's target: every accepted answer quoted, joined by " OR ".
      const accepted = gold.split(" OR ").map((part) => part.trim().replace(/^"|"$/g, ""));
      return { content: accepted.includes(predicted) ? "A" : "B" };
    });
    servers = [model, judge];

    const dir = await mkdtemp(join(tmpdir(), "loupe-eval-run-"));
    const store = join(dir, "eval.db");
    const flags = [
      "--base-url",
      model.baseUrl,
      "--model",
      "test-model",
      "--judge-base-url",
      judge.baseUrl,
      "--judge-model",
      "judge-model",
      "--store",
      store,
    ];
    const child = spawnCli([
      "eval",
      "run",
      "livevqa",
      "--data",
      dataFile,
      "--concurrency",
      "3",
      "--id",
      "news-1",
      ...flags,
    ]);
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.on("close", (_code, signal) => resolve(signal)),
    );

    // Wait until the store holds some finished results, then kill -9.
    let finishedAtKill: string[] = [];
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      try {
        const database = new Database(store, { readonly: true, fileMustExist: true });
        try {
          finishedAtKill = database
            .prepare("SELECT item_id FROM eval_results WHERE status = 'done'")
            .pluck()
            .all() as string[];
        } finally {
          database.close();
        }
      } catch {
        continue; // not created yet
      }
      if (finishedAtKill.length >= 15) break;
    }
    child.kill("SIGKILL");
    expect(await exited, stderr).toBe("SIGKILL");
    expect(finishedAtKill.length, stderr).toBeGreaterThanOrEqual(15);
    expect(finishedAtKill.length, "the kill came too late to be midway").toBeLessThan(80);
    // What the kill left: results committed after the last poll count as finished too.
    const left = new Database(store, { readonly: true });
    const finishedBefore = left
      .prepare("SELECT item_id FROM eval_results WHERE status = 'done'")
      .pluck()
      .all() as string[];
    left.close();
    const requestsBefore = model.requests.length;
    const judgeBefore = judge.requests.length;

    const resumed = await runCli(
      ["eval", "run", "--resume", "news-1", "--data", dataFile, "--concurrency", "3", "--json", ...flags],
      {
        timeoutMs: 90_000,
      },
    );
    expect(resumed.code, resumed.stderr).toBe(0);
    const outcome = JSON.parse(resumed.stdout);
    expect(outcome.progress).toMatchObject({ done: 80, total: 80 });

    // Nothing finished was asked again: the resume asked the model once per unfinished item.
    const after = model.requests.slice(requestsBefore);
    expect(after).toHaveLength(80 - finishedBefore.length);
    expect(judge.requests.length - judgeBefore).toBe(80 - finishedBefore.length);
    const finishedQuestions = new Set(
      items
        .filter((item) => finishedBefore.includes(item.id) && sharedQuestion.get(item.question) === 1)
        .map((item) => item.question),
    );
    expect(after.filter((request) => finishedQuestions.has(questionOf(request) ?? ""))).toHaveLength(0);

    const database = new Database(store, { readonly: true });
    const results = database
      .prepare("SELECT item_id, status, correct, run_id FROM eval_results WHERE eval_id = 'news-1'")
      .all() as { item_id: string; status: string; correct: number; run_id: string }[];
    const runCount = database.prepare("SELECT count(*) FROM runs").pluck().get() as number;
    const linked = database
      .prepare("SELECT count(*) FROM eval_results JOIN runs ON runs.id = eval_results.run_id")
      .pluck()
      .get() as number;
    database.close();
    // Every item exactly once, each linked to its one run; runs in flight at the kill were redone
    // under the same run id, not added.
    expect(results.map((result) => result.item_id).sort()).toEqual(items.map((item) => item.id).sort());
    expect(results.every((result) => result.status === "done")).toBe(true);
    expect(runCount).toBe(80);
    expect(linked).toBe(80);
    const correct = results
      .filter((result) => result.correct === 1)
      .map((result) => result.item_id)
      .sort();
    const expected = items
      .filter((item) => rightFor.has(item.question))
      .map((item) => item.id)
      .sort();
    expect(correct).toEqual(expected);
    expect(outcome.progress.accuracy).toBeCloseTo(expected.length / 80, 10);

    const report = await runCli(["eval", "report", "news-1", "--format", "json", "--store", store]);
    expect(report.code, report.stderr).toBe(0);
    const figures = JSON.parse(report.stdout);
    expect(figures.variants[0].summary.overall.value).toBeCloseTo(expected.length / 80, 10);
  }, 180_000);
});
