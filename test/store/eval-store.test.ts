import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { EvalResult } from "../../src/store/eval-store.js";
import { openEvalStores } from "../../src/store/open-eval-store.js";
import { describeWithPostgres } from "../support/postgres.js";

/** The evaluation tables, the same checks for SQLite and (where installed) PostgreSQL. */
function evalStoreSuite(name: string, location: () => Promise<string>) {
  describe(`${name} evaluation tables`, () => {
    const result = (itemId: string, patch: Partial<EvalResult> = {}): EvalResult => ({
      evalId: "e1",
      variant: "default",
      itemId,
      position: Number(itemId.slice(1)),
      status: "done",
      runId: `run-${itemId}`,
      attempts: 1,
      startedAt: "2026-12-02T00:00:00.000Z",
      ...patch,
    });

    it("keeps an evaluation and its results, one row per item, replaced when written again", async () => {
      const where = await location();
      const stores = await openEvalStores(where);
      try {
        await stores.evals.createEvaluation({
          id: "e1",
          name: "first",
          benchmark: "generic",
          createdAt: "2026-12-02T00:00:00.000Z",
          settings: { data: "x.jsonl", variants: ["default"] },
          items: ["i0", "i1", "i2"],
        });
        await expect(
          stores.evals.createEvaluation({
            id: "e1",
            benchmark: "generic",
            createdAt: "",
            settings: {},
            items: [],
          }),
        ).rejects.toMatchObject({ code: "store" });
        await stores.evals.saveResult(result("i1", { status: "running" }));
        await stores.evals.saveResult(
          result("i0", { correct: true, score: 1, response: "yes", meta: { level: 1 } }),
        );
        await stores.evals.saveResult(
          result("i1", {
            attempts: 2,
            correct: false,
            score: 0,
            scored: { id: "i1", correct: false, why: "wrong" },
            wallMs: 1200,
            promptTokens: 10_000_000_000,
            completionTokens: 5,
            costUsd: 0.25,
            toolCalls: ["crop", "crop"],
            category: "a",
          }),
        );
        const results = await stores.evals.results("e1");
        expect(results.map((row) => [row.itemId, row.status, row.attempts])).toEqual([
          ["i0", "done", 1],
          ["i1", "done", 2],
        ]);
        expect(results[0]).toMatchObject({ correct: true, score: 1, response: "yes", meta: { level: 1 } });
        expect(results[1]).toMatchObject({
          correct: false,
          scored: { why: "wrong" },
          promptTokens: 10_000_000_000,
          costUsd: 0.25,
          toolCalls: ["crop", "crop"],
          category: "a",
        });
        expect(await stores.evals.getEvaluation("e1")).toMatchObject({
          name: "first",
          items: ["i0", "i1", "i2"],
        });
        expect((await stores.evals.listEvaluations()).map((evaluation) => evaluation.id)).toEqual(["e1"]);
        expect(await stores.evals.getEvaluation("nope")).toBeUndefined();
      } finally {
        await stores.close();
      }
      // Committed as written: another opening of the store sees every result.
      const again = await openEvalStores(where);
      try {
        expect(await again.evals.results("e1", "default")).toHaveLength(2);
      } finally {
        await again.close();
      }
    });
  });
}

evalStoreSuite("SQLite", async () => join(await mkdtemp(join(tmpdir(), "loupe-eval-store-")), "loupe.db"));

describeWithPostgres("PostgreSQL", (cluster) => {
  evalStoreSuite("PostgreSQL", () => cluster().createDatabase());
});
