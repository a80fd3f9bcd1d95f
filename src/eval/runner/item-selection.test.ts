import { describe, expect, it } from "vitest";
import { seededRandom } from "../../core/seeded-random.js";
import { seededShuffle, selectItems } from "./item-selection.js";

const items = Array.from({ length: 100 }, (_, index) => ({ id: `q${index}` }));

describe("selectItems", () => {
  it("samples the same items for the same seed, in the data's order, and others for another seed", () => {
    const first = selectItems(items, { sample: 10, seed: 7 });
    expect(selectItems(items, { sample: 10, seed: 7 })).toEqual(first);
    expect(first).toHaveLength(10);
    const positions = first.map((item) => Number(item.id.slice(1)));
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(selectItems(items, { sample: 10, seed: 8 })).not.toEqual(first);
  });

  it("is fixed across machines: mulberry32 gives the reference sequence (0.6270739405881613, ...)", () => {
    const random = seededRandom(1);
    expect([random(), random()].map((value) => value.toFixed(8))).toEqual(["0.62707394", "0.00273572"]);
    expect(seededShuffle(8, 42)).toEqual(seededShuffle(8, 42));
    expect(new Set(seededShuffle(50, 3)).size).toBe(50);
  });

  it("applies --ids, then --sample, then --limit", () => {
    expect(selectItems(items, { ids: ["q5", "q2", "q9"] }).map((item) => item.id)).toEqual([
      "q2",
      "q5",
      "q9",
    ]);
    expect(selectItems(items, { limit: 3 }).map((item) => item.id)).toEqual(["q0", "q1", "q2"]);
    const sampled = selectItems(items, { sample: 20, seed: 1 });
    expect(selectItems(items, { sample: 20, seed: 1, limit: 5 })).toEqual(sampled.slice(0, 5));
    expect(selectItems(items, { sample: 500 })).toHaveLength(100);
  });

  it("names ids the data lacks", () => {
    expect(() => selectItems(items, { ids: ["q1", "nope"] })).toThrow(/no item has the id nope/);
  });
});
