import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { fixturePath, fixturesMissingMessage, hasFixtures } from "../../../test/support/fixtures.js";
import { loadBenchmark } from "../benchmarks.js";
import type { EvalItem } from "../eval-item.js";

async function collect(items: AsyncIterable<EvalItem>): Promise<EvalItem[]> {
  const all: EvalItem[] = [];
  for await (const item of items) all.push(item);
  return all;
}

describe.skipIf(!hasFixtures)(
  `loaders on real rows${hasFixtures ? "" : ` (${fixturesMissingMessage})`}`,
  () => {
    it("livevqa: 40 news rows give 80 items, two levels each, options without their letters, images on disk", async () => {
      const items = await collect(loadBenchmark("livevqa", fixturePath("livevqa-news", "benchmark.json")));
      expect(items).toHaveLength(80);
      const first = items[0]!;
      expect(first).toMatchObject({
        id: "0_00000000000000001093-L1",
        benchmark: "livevqa",
        question: "Based on the provided image, which organization is wearing green uniforms?",
        choices: [
          "Dallas Cowboys",
          "Philadelphia Eagles",
          "New York Giants",
          "Green Bay Packers",
          "Buffalo Bills",
        ],
        answer: "B",
        aliases: ["Philadelphia Eagles", "the Philadelphia Eagles", "Eagles"],
        category: "level1",
        subcategory: "organization",
        meta: {
          level: 1,
          questionType: "organization",
          source: "CNN Sport",
          sourceId: "0_00000000000000001093",
        },
      });
      expect(items[1]).toMatchObject({
        id: "0_00000000000000001093-L2",
        category: "level2",
        answer: "B",
        choices: expect.any(Array),
      });
      expect(items[1]!.choices).toHaveLength(4);
      for (const item of items) {
        expect(item.images).toHaveLength(1);
        const image = item.images[0]!;
        expect(image.kind).toBe("path");
        if (image.kind === "path") expect(existsSync(image.path), image.path).toBe(true);
        expect(item.answer).toMatch(/^[A-E]$/);
        expect(item.answer.charCodeAt(0) - 65).toBeLessThan(item.choices!.length);
      }
      expect(new Set(items.map((item) => item.id)).size).toBe(80);
    });

    it("browsecomp-vl: 199 level-1 rows, ids from the image names, the first answer gold", async () => {
      const items = await collect(loadBenchmark("browsecomp-vl", fixturePath("browsecomp-vl")));
      expect(items).toHaveLength(199);
      expect(items[0]).toMatchObject({
        id: "level1_1",
        question:
          "Which country produced the movie that won the most Oscars according to the data on this website in the image?",
        answer: "United States",
        aliases: [],
        category: "TV",
        meta: { level: 1 },
      });
      expect(items[0]!.images[0]).toEqual({ kind: "path", path: expect.stringMatching(/level1_1\.jpg$/) });
      expect(new Set(items.map((item) => item.id)).size).toBe(199);
    });

    it("mmsearch-171: WebWatcher's 171 rows with image URLs", async () => {
      const items = await collect(loadBenchmark("mmsearch-171", fixturePath("webwatcher", "mmsearch.jsonl")));
      expect(items).toHaveLength(171);
      expect(items[0]).toMatchObject({
        id: "1",
        question: "Which days does this conference run from and to?",
        answer: "2024-09-29 to 2024-10-04",
        images: [{ kind: "url", url: expect.stringMatching(/^http:\/\/.*XSPVAFYVTM\.jpeg$/) }],
        meta: { lang: "en", source: "HLE", tags: "rag,core,en" },
      });
      expect(items.every((item) => item.images.length === 1 && item.images[0]!.kind === "url")).toBe(true);
    });

    it("a folder is looked up by the benchmark's file names; a folder without them is refused by name", async () => {
      const items = await collect(loadBenchmark("livevqa", fixturePath("livevqa-news")));
      expect(items).toHaveLength(80);
      await expect(collect(loadBenchmark("livevqa", fixturePath("webwatcher")))).rejects.toMatchObject({
        code: "eval-data",
        message: expect.stringContaining("looked for benchmark.json"),
      });
    });
  },
);
