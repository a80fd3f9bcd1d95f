import { describe, expect, it } from "vitest";
import { addProducedImage, modelOutput, testContext } from "../../test/support/dialect-test-context.js";
import { runSearchTool } from "../../test/support/search-tool-runs.js";
import type { Message } from "../core/messages.js";
import { SkyworkR1V4Dialect } from "./skywork-r1v4.js";

const allTools = ["python", "image_search", "text_search", "web_visit"];

function parse(content: string, tools = allTools) {
  return new SkyworkR1V4Dialect().parse(modelOutput(content), testContext(tools));
}

describe("skywork-r1v4 dialect", () => {
  it("reads a tool call after its reasoning and maps R1V4 names onto Loupe tools", () => {
    const turn = parse(
      '<think>Who is this? Search the image.</think>\n<tool_call>{"name": "image_search", "arguments": {"image_paths": ["image_1"]}}</tool_call>',
    );
    expect(turn.reasoning).toBe("Who is this? Search the image.");
    expect(turn.calls).toEqual([
      {
        id: "call_1",
        name: "image_search",
        arguments: { images: ["image_1"] },
        raw: expect.stringMatching(/^<tool_call>/),
      },
    ]);
    const code = parse(
      '<think>crop</think><tool_call>{"name": "code", "arguments": {"code": "show(image_1)",}}</tool_call>',
    );
    expect(code.calls[0]).toMatchObject({ name: "python", arguments: { code: "show(image_1)" } });
    const nested = parse(
      '<tool_call>{"name": "text_search", "arguments": "{\\"queries\\": [\\"q\\"]}"}</tool_call>',
    );
    expect(nested.calls[0]).toMatchObject({ name: "text_search", arguments: { queries: ["q"] } });
  });

  it("numbers sub-images from 1 over the images the run produced, as the paper does", () => {
    const context = testContext(allTools);
    const produced = addProducedImage(context.images, 1);
    const dialect = new SkyworkR1V4Dialect();
    const turn = dialect.parse(
      modelOutput(
        '<tool_call>{"name": "image_search", "arguments": {"image_paths": [<sub-image 1>, <image>, "/tmp/image_2.png"]}}</tool_call>',
      ),
      context,
    );
    expect(produced.label).toBe("image_3");
    expect(turn.calls[0]?.arguments).toEqual({ images: ["image_3", "image_1", "image_2"] });
    const missing = dialect.parse(
      modelOutput(
        '<tool_call>{"name": "image_search", "arguments": {"image_paths": [<sub-image 2>]}}</tool_call>',
      ),
      context,
    );
    expect(missing.errors[0]?.message).toMatch(
      /there is no image "<sub-image 2>"\. Images you can name: <image 1>, <image 2>, <sub-image 1>\./,
    );
  });

  it("accepts <code> and the older bare tags, and an unclosed last tag", () => {
    expect(parse("<think>x</think><code>\n```python\nprint(2)\n```\n</code>").calls[0]).toMatchObject({
      name: "python",
      arguments: { code: "print(2)" },
    });
    expect(parse("<text_search>Eiffel tower height</text_search>").calls[0]?.arguments).toEqual({
      queries: ["Eiffel tower height"],
    });
    expect(
      parse("<web_content>https://a.example https://b.example</web_content>").calls[0]?.arguments,
    ).toEqual({
      urls: ["https://a.example", "https://b.example"],
    });
    expect(parse("<image_search>image_2</image_search>").calls[0]?.arguments).toEqual({
      images: ["image_2"],
    });
    const unclosed = parse(
      '<think>go</think><tool_call>{"name": "text_search", "arguments": {"queries": ["a", "b"]}}',
    );
    expect(unclosed.calls[0]?.arguments).toEqual({ queries: ["a", "b"] });
  });

  it("reads two actions in one turn and ignores an answer written after them", () => {
    const turn = parse(
      '<tool_call>{"name": "text_search", "arguments": {"query": "x"}}</tool_call><tool_call>{"name": "web_visit", "arguments": {"url": "https://e.example"}}</tool_call><answer>guess</answer>',
    );
    expect(turn.calls.map((call) => [call.id, call.name])).toEqual([
      ["call_1", "text_search"],
      ["call_2", "web_visit"],
    ]);
    expect(turn.answer).toBeUndefined();
  });

  it("answers when the answer comes first, with or without a think block", () => {
    expect(parse("<think>known</think><answer>Paris</answer>")).toMatchObject({ answer: "Paris", calls: [] });
    expect(parse("<answer> 1889 </answer>").answer).toBe("1889");
  });

  it("turns unknown, disabled and unreadable calls into errors naming the available tools", () => {
    const turn = parse(
      '<tool_call>{"name": "crop", "arguments": {}}</tool_call><tool_call>not json</tool_call><tool_call>{"name": "web_visit", "arguments": {"urls": ["u"]}}</tool_call>',
      ["python", "text_search"],
    );
    expect(turn.calls).toEqual([]);
    expect(turn.errors.map((error) => error.message)).toEqual([
      'Error: the tool "crop" is not available. Available tools: text_search, code.',
      expect.stringMatching(/unreadable <tool_call>/),
      'Error: the tool "web_visit" is not available. Available tools: text_search, code.',
    ]);
  });

  it("renders code results as JSON and search hits as the numbered lists of the paper's figures", () => {
    const context = testContext(allTools);
    const image = addProducedImage(context.images, 1, 300, 200);
    const [message] = new SkyworkR1V4Dialect().observations(
      [
        {
          id: "call_1",
          name: "python",
          result: {
            text: "ignored",
            images: [image],
            data: { kind: "code", stdout: "done\n", stderr: "", result: "42" },
          },
        },
        {
          id: "call_2",
          name: "text_search",
          result: {
            text: "ignored",
            images: [],
            data: {
              kind: "text-search",
              queries: ["q"],
              results: [[{ title: "T", url: "https://t.example", snippet: "S" }]],
            },
          },
        },
      ],
      context,
    );
    expect(message).toEqual({
      role: "user",
      content: [
        {
          type: "text",
          text: '<observation>\n{"result":"done\\n42","type":"code"}\n<sub-image 1> (300x200):',
        },
        { type: "image", imageId: image.id },
        {
          type: "text",
          text: "\n</observation>\n<observation>\n1. T link: https://t.example text: S\n</observation>",
        },
      ],
    });
  });

  it("refuses more queries or URLs than the real tool takes, in R1V4's words", () => {
    const turn = parse(
      '<tool_call>{"name": "text_search", "arguments": {"queries": ["1", "2", "3", "4", "5", "6"]}}</tool_call><web_content>a b c d e f g</web_content><tool_call>{"name": "image_search", "arguments": {"image_paths": ["1", "2", "1", "2", "1", "2"]}}</tool_call>',
    );
    expect(turn.calls).toEqual([]);
    expect(turn.errors.map((error) => error.message)).toEqual([
      expect.stringMatching(/^Error: invalid arguments for text_search: queries: .*5/),
      expect.stringMatching(/^Error: invalid arguments for web_visit: urls: .*5/),
      expect.stringMatching(/^Error: invalid arguments for image_search: image_paths: .*5/),
    ]);
  });

  it("shows why a page was not read: the real web_visit's refusal becomes an error entry", async () => {
    const context = testContext(allTools);
    const result = await runSearchTool(
      "web_visit",
      { urls: ["http://169.254.169.254/latest/meta-data/"] },
      { backends: { page: ["direct"] } },
      context.images,
    );
    const [message] = new SkyworkR1V4Dialect().observations(
      [{ id: "call_1", name: "web_visit", result }],
      context,
    );
    const entries = observationJson(message);
    expect(entries).toEqual([{ error: expect.stringMatching(/refused .*cloud metadata address/) }]);
  });

  it("lists the tool's notes after the hits and names thumbnails as sub-images", () => {
    const context = testContext(allTools);
    const thumbnail = addProducedImage(context.images, 1, 256, 170, "search-thumbnail");
    const [message] = new SkyworkR1V4Dialect().observations(
      [
        {
          id: "call_1",
          name: "text_search",
          result: {
            text: "ignored",
            images: [],
            data: {
              kind: "text-search",
              queries: ["q"],
              results: [[{ title: "T", url: "https://t.example", snippet: "S" }]],
              notes: ["serper failed: HTTP 500: Internal error; used brave"],
            },
          },
        },
        {
          id: "call_2",
          name: "image_search",
          result: {
            text: "ignored",
            images: [thumbnail],
            data: {
              kind: "image-search",
              results: [
                [
                  {
                    title: "Tower",
                    link: "file:///pages/t.html",
                    source: "file:///img/t.jpg",
                    imageId: thumbnail.id,
                  },
                  { title: "Other", link: "https://o.example", source: "https://o.example/o.jpg" },
                ],
              ],
            },
          },
        },
      ],
      context,
    );
    const text =
      message?.role === "user" ? message.content.map((part) => (part.type === "text" ? part.text : "")) : [];
    const [first, second] = text.join("").split("</observation>\n<observation>");
    expect(first).toBe(
      "<observation>\n1. T link: https://t.example text: S\nNote: serper failed: HTTP 500: Internal error; used brave\n",
    );
    expect(second).toBe(
      "\n1. Tower link: file:///pages/t.html image: <sub-image 1>\n2. Other link: https://o.example image: https://o.example/o.jpg\n</observation>",
    );
  });

  it("mentions only enabled tools in its system prompt and stops at closing tags", () => {
    const dialect = new SkyworkR1V4Dialect();
    const prompt = dialect.systemPrompt(testContext(["text_search"]));
    expect(prompt).toMatch(/- text_search, arguments/);
    expect(prompt).not.toMatch(/image_search|web_visit|- code/);
    expect(prompt).toMatch(/<answer>/);
    expect(dialect.requestOptions().stop).toContain("</tool_call>");
    expect(JSON.stringify(dialect.finalAnswerRequest("the time budget is used up", testContext([])))).toMatch(
      /<answer>/,
    );
  });
});

/** The JSON list inside the single observation of a message. */
function observationJson(message: Message | undefined): unknown {
  const text =
    message?.role === "user"
      ? message.content.map((part) => (part.type === "text" ? part.text : "")).join("")
      : "";
  const body = /^<observation>\n(.*)\n<\/observation>$/s.exec(text)?.[1];
  return JSON.parse(body ?? "null");
}

describe("skywork-r1v4 argument shapes", () => {
  it("reads a list where a string is meant, and a string where a list is meant", () => {
    const context = testContext(["python", "text_search"]);
    const dialect = new SkyworkR1V4Dialect();
    const code = dialect.parse(
      modelOutput('<tool_call>{"name": "code", "arguments": {"code": ["x = 1", "print(x)"]}}</tool_call>'),
      context,
    );
    expect(code.calls[0]?.arguments).toEqual({ code: "x = 1\nprint(x)" });
    const search = dialect.parse(
      modelOutput(
        "<tool_call>{'name': 'text_search', 'arguments': {'queries': \u2019Eiffel tower\u2019}}</tool_call>",
      ),
      context,
    );
    expect(search.calls[0]?.arguments).toEqual({ queries: ["Eiffel tower"] });
  });
});
