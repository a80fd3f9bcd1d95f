import { describe, expect, it } from "vitest";
import {
  addProducedImage,
  expressibleTools,
  modelOutput,
  testContext,
} from "../../test/support/dialect-test-context.js";
import type { DialectName } from "../core/config.js";
import { getDialect } from "./registry.js";

/** The stop sequences each tag dialect sent before they shared TagDialect, in the same order. */
const expectedStops: Partial<Record<DialectName, string[]>> = {
  "skywork-r1v4": ["</tool_call>", "</code>", "</image_search>", "</text_search>", "</web_content>"],
  "deepeyes-v2": ["</code>", "</tool_call>"],
  deepeyes: ["</tool_call>"],
  "mmsearch-r1": ["</search>", "</text_search>"],
  artist: ["</python>", "</tool>"],
};

describe.each(Object.entries(expectedStops))("%s as a tag dialect", (name, stops) => {
  const dialect = getDialect(name as DialectName);

  it("stops generation at the end of each of its actions", () => {
    expect(dialect.requestOptions(testContext(expressibleTools(dialect)))).toEqual({ stop: stops });
  });

  it("shows every input image and the question in the first user turn, images first but for MMSearch-R1", () => {
    const context = { ...testContext([]), question: "What is on the sign?" };
    const images = context.images.list();
    const turn = dialect.userTurn(context, images);
    const content = turn.role === "user" ? turn.content : [];
    const layout = content.map((part) => (part.type === "image" ? "<image>" : part.text)).join("");
    expect(content.filter((part) => part.type === "image")).toEqual(
      images.map((image) => ({ type: "image", imageId: image.id })),
    );
    expect(layout).toContain("What is on the sign?");
    if (name !== "mmsearch-r1") expect(layout).toMatch(/^<image><image>/);
  });

  it("asks for the final answer in its answer tag, naming the reason", () => {
    const request = dialect.finalAnswerRequest("the step budget is used up", testContext([]));
    const text = request.role === "user" ? JSON.stringify(request.content) : "";
    expect(text).toMatch(/the step budget is used up/);
    expect(text).toMatch(/<answer>\.\.\.<\/answer>/);
  });

  it("sends every result of a turn in one user turn, and nothing when nothing ran", () => {
    const context = testContext(expressibleTools(dialect));
    const image = addProducedImage(context.images, 1);
    const tool = expressibleTools(dialect)[0] ?? "python";
    const messages = dialect.observations(
      [
        { id: "call_1", name: tool, result: { text: "first result", images: [image] } },
        { id: "call_2", name: tool, result: { text: "second result", images: [], isError: true } },
      ],
      context,
    );
    expect(messages).toHaveLength(1);
    const parts = messages[0]?.role === "user" ? messages[0].content : [];
    expect(parts.filter((part) => part.type === "image")).toEqual([{ type: "image", imageId: image.id }]);
    expect(dialect.observations([], context)).toEqual([]);
  });

  it("keeps the text as the model wrote it, with its reasoning", () => {
    const message = dialect.assistantMessage(
      modelOutput("<think>look</think><answer>4</answer>", { reasoning: "server-side thoughts" }),
    );
    expect(message).toEqual({
      role: "assistant",
      content: "<think>look</think><answer>4</answer>",
      reasoning: "server-side thoughts",
    });
  });
});
