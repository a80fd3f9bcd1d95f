import { describe, expect, it } from "vitest";
import type { Trajectory } from "../../core/trajectory.js";
import { findSearchBackend, registerSearchBackend } from "../../search/backend-registry.js";
import { currentItem, recordedSearchBackend } from "./recorded-search-backend.js";
import { RecordedSearches } from "./recorded-searches.js";

/** A run's steps as far as the recorded searches read them: observations with their data. */
function runWith(observations: { tool: string; data: unknown; isError?: boolean }[]): Trajectory {
  return {
    steps: [
      {
        observations: observations.map((observation, index) => ({
          callId: `c${index}`,
          tool: observation.tool,
          text: "",
          images: [],
          data: observation.data,
          isError: observation.isError ?? false,
          durationMs: 1,
        })),
      },
    ],
  } as unknown as Trajectory;
}

const hit = (title: string) => ({ title, url: `https://example.org/${title}`, snippet: title });
const imageHit = (title: string) => ({
  title,
  link: `https://example.org/${title}`,
  source: `https://example.org/${title}.jpg`,
});

describe("the recorded search backend", () => {
  const recorded = new RecordedSearches();
  recorded.addRun(
    "item-1",
    runWith([
      {
        tool: "text_search",
        data: {
          kind: "text-search",
          queries: ["eagles", "giants"],
          results: [[hit("a"), hit("b")], [hit("c")]],
        },
      },
      { tool: "image_search", data: { kind: "image-search", results: [[imageHit("first")]] } },
      { tool: "image_search", data: { kind: "image-search", results: [[imageHit("second")]] } },
      {
        tool: "web_visit",
        data: {
          kind: "web-visit",
          pages: [{ url: "https://example.org/a", title: "A", content: "# A", summarized: false }],
        },
      },
      {
        tool: "text_search",
        data: { kind: "text-search", queries: ["failed"], results: [[hit("x")]] },
        isError: true,
      },
    ]),
  );
  recorded.addRun(
    "item-2",
    runWith([
      { tool: "text_search", data: { kind: "text-search", queries: ["eagles"], results: [[hit("z")]] } },
    ]),
  );
  const backend = recordedSearchBackend(recorded);
  const within = <T>(itemId: string, work: () => Promise<T>) =>
    currentItem.run({ itemId, imageSearches: 0 }, work);

  it("answers each item's text queries with what its own run saw, and others' queries from any run", async () => {
    expect(await within("item-1", () => backend.searchText!("eagles", { limit: 5 }))).toEqual([
      hit("a"),
      hit("b"),
    ]);
    expect(await within("item-2", () => backend.searchText!("eagles", { limit: 5 }))).toEqual([hit("z")]);
    expect(await within("item-2", () => backend.searchText!("giants", { limit: 5 }))).toEqual([hit("c")]);
    expect(await within("item-1", () => backend.searchText!("eagles", { limit: 1 }))).toEqual([hit("a")]);
  });

  it("serves image searches in the order the run made them, and pages by URL", async () => {
    await within("item-1", async () => {
      const image = { id: "x", bytes: new Uint8Array(), mime: "image/png" };
      expect(await backend.searchByImage!(image, { limit: 5 })).toEqual([imageHit("first")]);
      expect(await backend.searchImagesByText!("anything", { limit: 5 })).toEqual([imageHit("second")]);
      await expect(backend.searchByImage!(image, { limit: 5 })).rejects.toThrow(/image search number 3/);
      expect(await backend.readPage!("https://example.org/a", {})).toMatchObject({
        title: "A",
        markdown: "# A",
      });
    });
  });

  it("fails a search that was never recorded (nothing goes to the network), errors included", async () => {
    await expect(within("item-1", () => backend.searchText!("failed", { limit: 5 }))).rejects.toMatchObject({
      code: "tool-failed",
    });
    await expect(within("item-1", () => backend.readPage!("https://example.org/other", {}))).rejects.toThrow(
      /has no result/,
    );
  });

  it("is registered through registerSearchBackend like any backend", () => {
    registerSearchBackend("recorded-test", () => backend, { replace: true });
    expect(findSearchBackend("recorded-test")).toBeDefined();
  });
});
