import { describe, expect, it } from "vitest";
import { addProducedImage, modelOutput, testContext } from "../../test/support/dialect-test-context.js";
import { runSearchTool } from "../../test/support/search-tool-runs.js";
import type { ContentPart } from "../core/messages.js";
import { MMSearchR1Dialect } from "./mmsearch-r1.js";

const tools = ["image_search", "text_search"];

function parse(content: string, enabled = tools) {
  return new MMSearchR1Dialect().parse(modelOutput(content), testContext(enabled));
}

describe("mmsearch-r1 dialect", () => {
  it("reads an image search on the input image and a text search", () => {
    expect(parse("<think>Who built this?</think>\n<search><img></search>").calls[0]).toMatchObject({
      name: "image_search",
      arguments: { images: ["image_1"] },
    });
    expect(
      parse("<think>x</think><text_search>  Gustave Eiffel\n birth year </text_search>").calls[0],
    ).toMatchObject({
      name: "text_search",
      arguments: { queries: ["Gustave Eiffel birth year"] },
    });
  });

  it("reads an unclosed search and two searches in one turn", () => {
    expect(parse("<text_search>tower height").calls[0]?.arguments).toEqual({ queries: ["tower height"] });
    expect(
      parse("<search><img></search><text_search>a</text_search>").calls.map((call) => call.name),
    ).toEqual(["image_search", "text_search"]);
  });

  it("answers, and reports disabled or empty searches", () => {
    expect(parse("<think>sure</think><answer>1889</answer>").answer).toBe("1889");
    const turn = parse("<search><img></search><text_search> </text_search>", ["text_search"]);
    expect(turn.errors.map((error) => error.message)).toEqual([
      "Error: the search tool is not available. Available tools: <text_search>.",
      expect.stringMatching(/text search is empty/),
    ]);
  });

  it("shows image results with thumbnails and text results as numbered entries", () => {
    const context = testContext(tools);
    const thumbnail = addProducedImage(context.images, 1);
    const [message] = new MMSearchR1Dialect().observations(
      [
        {
          id: "call_1",
          name: "image_search",
          result: {
            text: "",
            images: [thumbnail],
            data: {
              kind: "image-search",
              results: [[{ title: "Tower", link: "https://t.example", source: "s", imageId: thumbnail.id }]],
            },
          },
        },
        {
          id: "call_2",
          name: "text_search",
          result: {
            text: "",
            images: [],
            data: {
              kind: "text-search",
              queries: ["q"],
              results: [[{ title: "Eiffel", url: "https://e.example", snippet: "born 1832" }]],
            },
          },
        },
      ],
      context,
    );
    const parts: ContentPart[] = message?.role === "user" ? message.content : [];
    expect(parts[1]).toEqual({ type: "image", imageId: thumbnail.id });
    const text = parts.map((part) => (part.type === "text" ? part.text : "<image>")).join("");
    // Upstream's layout: results inside <information>, then the original question and an
    // instruction that depends on the kind of search; image hits as their thumbnails and titles.
    expect(text).toMatch(
      /^Searched results: <information>\[Image Search Results\][^\n]*:\n1\. image: <image>\ntitle: Tower\n<\/information>\nOriginal user's question: [^\n]+\n[^\n]*<text_search>/,
    );
    expect(text).toMatch(
      /\n\nSearched results: <information>\[Text Search Results\][^\n]*:\n1\. \(https:\/\/e\.example\) Eiffel: born 1832\n<\/information>\nOriginal user's question: /,
    );
  });

  it("says why a search found nothing: the real tool's error, and its notes", async () => {
    const context = testContext(tools);
    // The stand-in input bytes are no image, so the real local reverse search fails on them.
    const failed = await runSearchTool(
      "image_search",
      {},
      { backends: { image: ["local"] } },
      context.images,
    );
    const [message] = new MMSearchR1Dialect().observations(
      [
        { id: "call_1", name: "image_search", result: failed },
        {
          id: "call_2",
          name: "text_search",
          result: {
            text: "",
            images: [],
            data: {
              kind: "text-search",
              queries: ["q"],
              results: [[{ title: "Eiffel", url: "https://e.example", snippet: "born 1832" }]],
              notes: ["serper failed: HTTP 500: Internal error; used brave"],
            },
          },
        },
      ],
      context,
    );
    const parts: ContentPart[] = message?.role === "user" ? message.content : [];
    const text = parts.map((part) => (part.type === "text" ? part.text : "<image>")).join("");
    expect(text).not.toMatch(/thumbnail|No results/);
    // A failed search is its bare error text behind the header, as upstream sends it.
    expect(text).toMatch(
      /^\[Image Search Results\] Reverse image search for image_1: search failed\.\n\nNote: .*local failed: .*not an image sharp can read/,
    );
    expect(text).toMatch(
      /born 1832\nNote: serper failed: HTTP 500: Internal error; used brave\n<\/information>/,
    );
  });

  it("sends no system prompt and mentions only the enabled searches in the first user turn", () => {
    const dialect = new MMSearchR1Dialect();
    const context = testContext(["text_search"]);
    expect(dialect.systemPrompt(context)).toBeUndefined();
    const turn = dialect.userTurn(context, context.images.list());
    const text =
      turn.role === "user"
        ? turn.content.map((part) => (part.type === "text" ? part.text : "<image>")).join("")
        : "";
    expect(text).toMatch(/<text_search>/);
    expect(text).not.toMatch(/<search>/);
    expect(text).toMatch(/<image><image> What is written on the sign\?$/);
  });
});
