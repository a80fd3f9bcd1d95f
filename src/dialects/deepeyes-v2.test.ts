import { describe, expect, it } from "vitest";
import { addProducedImage, modelOutput, testContext } from "../../test/support/dialect-test-context.js";
import { runSearchTool } from "../../test/support/search-tool-runs.js";
import { dialectOptionsSchema } from "../core/config.js";
import type { ContentPart } from "../core/messages.js";
import { DeepEyesV2Dialect } from "./deepeyes-v2.js";

const tools = ["python", "text_search", "image_search"];

function parse(content: string, enabled = tools, dialect = new DeepEyesV2Dialect()) {
  return dialect.parse(modelOutput(content), testContext(enabled));
}

function texts(parts: ContentPart[]): string {
  return parts.map((part) => (part.type === "text" ? part.text : `[${part.imageId.slice(0, 4)}]`)).join("");
}

describe("deepeyes-v2 dialect", () => {
  it("runs the last fenced block of the last <code>, closed or not", () => {
    const turn = parse(
      "<think>crop the top</think><code>\n```python\na = 1\n```\n</code> then <code>\n```python\nx = image_1.crop((0, 0, 10, 10))\nplt.imshow(x)\nplt.show()\n```\n",
    );
    expect(turn.reasoning).toBe("crop the top");
    expect(turn.calls).toHaveLength(1);
    expect(turn.calls[0]).toMatchObject({
      name: "python",
      arguments: { code: "x = image_1.crop((0, 0, 10, 10))\nplt.imshow(x)\nplt.show()" },
    });
  });

  it("accepts unfenced code and re-indents when asked", () => {
    expect(parse("<code>print(1)</code>").calls[0]?.arguments).toEqual({ code: "print(1)" });
    const dialect = new DeepEyesV2Dialect({ options: dialectOptionsSchema.parse({ reindentCode: true }) });
    expect(
      parse("<code>if True:\nprint(1)\nelse:\nprint(2)</code>", tools, dialect).calls[0]?.arguments,
    ).toEqual({
      code: "if True:\n    print(1)\nelse:\n    print(2)",
    });
  });

  it("maps search to text_search and image_search to the input image", () => {
    expect(
      parse('<tool_call>{"name": "search", "arguments": {"query": "mount fuji height",}}</tool_call>')
        .calls[0],
    ).toMatchObject({
      name: "text_search",
      arguments: { queries: ["mount fuji height"] },
    });
    expect(parse('<tool_call>{"name": "image_search"}</tool_call>').calls[0]).toMatchObject({
      name: "image_search",
      arguments: { images: ["image_1"] },
    });
  });

  it("runs one kind of tool per turn and refuses the other kind with an error", () => {
    const turn = parse(
      '<code>print(1)</code><tool_call>{"name": "search", "arguments": {"query": "q"}}</tool_call>',
    );
    expect(turn.calls.map((call) => call.name)).toEqual(["python"]);
    expect(turn.errors[0]?.message).toMatch(/one kind of tool per turn/);
  });

  it("reports disabled and unknown tools, naming the available ones", () => {
    const turn = parse('<tool_call>{"name": "zoom"}</tool_call><code>print(1)</code>', ["text_search"]);
    expect(turn.calls).toEqual([]);
    expect(turn.errors.map((error) => error.message)).toEqual([
      'Error: the tool "zoom" is not available. Available tools: search.',
      'Error: the tool "code" is not available. Available tools: search.',
    ]);
  });

  it("answers only when the answer precedes every action", () => {
    expect(parse("<think>easy</think><answer>7</answer>").answer).toBe("7");
    expect(parse("<code>print(1)</code><answer>7</answer>").answer).toBeUndefined();
  });

  it("closes an open <code> in the assistant message", () => {
    const message = new DeepEyesV2Dialect().assistantMessage(
      modelOutput("<code>\n```python\nprint(1)\n```\n"),
    );
    expect(message.role === "assistant" && message.content.endsWith("```\n</code>")).toBe(true);
  });

  it("renders code results with stdout, stderr and at most ten images", () => {
    const context = testContext(tools);
    const images = Array.from({ length: 12 }, (_, index) => addProducedImage(context.images, index));
    const [message] = new DeepEyesV2Dialect().observations(
      [
        {
          id: "call_1",
          name: "python",
          result: {
            text: "",
            images,
            data: { kind: "code", stdout: "size 10\n", stderr: "warning", error: "Boom" },
          },
        },
      ],
      context,
    );
    const parts = message?.role === "user" ? message.content : [];
    expect(parts.filter((part) => part.type === "image")).toHaveLength(10);
    // The eval runtime's layout: stdout as printed (its newline leaves a blank line), a blank line
    // after each fence, "Images:" and then the images.
    expect(texts(parts)).toMatch(
      /^Code execution result:\nstdout:\n```\nsize 10\n\n```\n\nstderr:\n```\nwarning\nBoom\n```\n\nImages:\n\[/,
    );
  });

  it("renders text and image search results inside <tool_response>", () => {
    const context = testContext(tools);
    const thumbnail = addProducedImage(context.images, 1);
    const [message] = new DeepEyesV2Dialect().observations(
      [
        {
          id: "call_1",
          name: "text_search",
          result: {
            text: "",
            images: [],
            data: {
              kind: "text-search",
              queries: ["q"],
              results: [[{ title: "Fuji", url: "https://f.example", snippet: "3776 m", date: "2024-01-02" }]],
            },
          },
        },
        {
          id: "call_2",
          name: "image_search",
          result: {
            text: "",
            images: [thumbnail],
            data: {
              kind: "image-search",
              results: [
                [
                  {
                    title: "A mountain",
                    link: "https://m.example",
                    source: "https://m.example/i.jpg",
                    imageId: thumbnail.id,
                  },
                ],
              ],
            },
          },
        },
      ],
      context,
    );
    const parts = message?.role === "user" ? message.content : [];
    expect(texts(parts)).toBe(
      "<tool_response>\nA search for 'q' found 1 results:\n\n## Web Results\n1. [Fuji](https://f.example)\nDate published: 2024-01-02\n\n3776 m\n</tool_response>\n" +
        `<tool_response>\nAn image search for the image found 1 results:\n\n## Web Results\n1. [${thumbnail.id.slice(0, 4)}]\n[A mountain] \n\n</tool_response>`,
    );
  });

  it("says why a search found nothing: the real tool's error, and its notes", async () => {
    const context = testContext(tools);
    const failed = await runSearchTool(
      "image_search",
      {},
      { backends: { image: ["local"] } },
      context.images,
    );
    const [message] = new DeepEyesV2Dialect().observations(
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
              queries: ["a", "b"],
              results: [[{ title: "Fuji", url: "https://f.example", snippet: "3776 m" }], []],
              notes: ['"b": Could not search the web by text: serper failed: HTTP 500'],
            },
          },
        },
      ],
      context,
    );
    const text = texts(message?.role === "user" ? message.content : []);
    // A failed call is plain text, as upstream sends its errors; the failure's notes stay in it.
    expect(text).toMatch(
      /^Reverse image search for image_1: search failed\.\n\nNote: .*local failed: .*\n<tool_response>\n/,
    );
    expect(text).toMatch(
      /A search for 'a; b' found 1 results:\n\n## Web Results\n1\. \[Fuji\]\(https:\/\/f\.example\)\n\n3776 m\nNote: "b": Could not search the web by text: serper failed: HTTP 500\n<\/tool_response>$/,
    );
  });

  it("refuses more queries than the real search tool takes", () => {
    const turn = parse(
      '<tool_call>{"name": "search", "arguments": {"query": ["1", "2", "3", "4", "5", "6"]}}</tool_call>',
    );
    expect(turn.calls).toEqual([]);
    expect(turn.errors[0]?.message).toMatch(/^Error: invalid arguments for search: query: .*5/);
  });

  it("describes only the enabled tools", () => {
    const prompt = new DeepEyesV2Dialect().systemPrompt(testContext(["python"]));
    expect(prompt).toMatch(/<code>/);
    expect(prompt).not.toMatch(/"search"|image_search/);
  });
});
