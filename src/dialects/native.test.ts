import { describe, expect, it } from "vitest";
import { addProducedImage, modelOutput, testContext } from "../../test/support/dialect-test-context.js";
import { NativeDialect } from "./native.js";

function call(id: string, name: string, args: string) {
  return { id, name, arguments: args };
}

describe("native dialect", () => {
  it("offers the enabled tools as function specs from their zod schemas", () => {
    const options = new NativeDialect().requestOptions(testContext(["crop", "python"]));
    expect(options.parallelToolCalls).toBe(true);
    expect(options.tools?.map((tool) => tool.function.name)).toEqual(["crop", "python"]);
    const crop = options.tools?.[0]?.function.parameters as {
      properties: Record<string, unknown>;
      $schema?: string;
    };
    expect(Object.keys(crop.properties)).toEqual(["image", "box", "coordinates", "label", "scale"]);
    expect(crop.$schema).toBeUndefined();
    expect(new NativeDialect().requestOptions(testContext([]))).toEqual({});
  });

  it("reads tool calls, repairing sloppy JSON, and keeps the server's ids", () => {
    const dialect = new NativeDialect();
    const output = modelOutput("", {
      toolCalls: [
        call("srv_1", "crop", '{"box": [0, 0, 10, 10], "label": "sign",}'),
        call("srv_2", "python", JSON.stringify(JSON.stringify({ code: "print(1)" }))),
      ],
      finishReason: "tool_calls",
    });
    const turn = dialect.parse(output, testContext(["crop", "python"]));
    expect(turn.answer).toBeUndefined();
    expect(turn.errors).toEqual([]);
    expect(turn.calls).toEqual([
      {
        id: "srv_1",
        name: "crop",
        arguments: { box: [0, 0, 10, 10], label: "sign" },
        raw: expect.any(String),
      },
      { id: "srv_2", name: "python", arguments: { code: "print(1)" }, raw: expect.any(String) },
    ]);
  });

  it("turns unreadable arguments and disabled tools into errors with the call's id", () => {
    const dialect = new NativeDialect();
    const output = modelOutput("", {
      toolCalls: [call("a", "crop", "box please"), call("b", "web_visit", '{"urls": ["x"]}')],
    });
    const turn = dialect.parse(output, testContext(["crop", "python"]));
    expect(turn.calls).toEqual([]);
    expect(turn.errors.map((error) => error.id)).toEqual(["a", "b"]);
    expect(turn.errors[0]?.message).toMatch(/could not read the arguments of crop/);
    expect(turn.errors[1]?.message).toMatch(/"web_visit" is not available.*crop, python/);
  });

  it("gives fresh ids to missing or repeated server ids, the same in parse and the assistant message", () => {
    const dialect = new NativeDialect();
    const output = modelOutput("", {
      toolCalls: [
        call("", "python", '{"code":"1"}'),
        call("x", "python", '{"code":"2"}'),
        call("x", "python", '{"code":"3"}'),
      ],
    });
    const ids = dialect.parse(output, testContext(["python"])).calls.map((item) => item.id);
    expect(new Set(ids).size).toBe(3);
    const message = dialect.assistantMessage(output);
    expect(message.role === "assistant" && message.toolCalls?.map((item) => item.id)).toEqual(ids);
  });

  it("takes the content as the answer when there is no call, with think moved to reasoning", () => {
    const turn = new NativeDialect().parse(
      modelOutput("<think>the sign is red</think>\nIt says STOP."),
      testContext(["crop"]),
    );
    expect(turn).toEqual({ reasoning: "the sign is red", calls: [], errors: [], answer: "It says STOP." });
  });

  it("answers with tool text in tool messages and images in one following user message", () => {
    const context = testContext(["crop", "python"]);
    const crop = addProducedImage(context.images, 1);
    const plot = addProducedImage(context.images, 2);
    const messages = new NativeDialect().observations(
      [
        { id: "a", name: "crop", result: { text: "Cropped image_1 to image_3.", images: [crop] } },
        { id: "b", name: "python", result: { text: "", images: [] } },
        { id: "c", name: "python", result: { text: "plotted", images: [plot] } },
      ],
      context,
    );
    expect(messages).toEqual([
      { role: "tool", toolCallId: "a", content: "Cropped image_1 to image_3." },
      { role: "tool", toolCallId: "b", content: "(no output)" },
      { role: "tool", toolCallId: "c", content: "plotted" },
      {
        role: "user",
        content: [
          { type: "text", text: "Images from call a (crop): image_3\n" },
          { type: "image", imageId: crop.id },
          { type: "text", text: "Images from call c (python): image_4\n" },
          { type: "image", imageId: plot.id },
        ],
      },
    ]);
  });

  it("puts images before the question and asks for a plain final answer", () => {
    const context = testContext([]);
    const dialect = new NativeDialect();
    const turn = dialect.userTurn({ ...context, question: "What is this?" }, context.images.list());
    expect(turn.role === "user" && turn.content.map((part) => part.type)).toEqual(["image", "image", "text"]);
    const request = dialect.finalAnswerRequest("the step budget is used up", context);
    expect(JSON.stringify(request)).toMatch(/the step budget is used up/);
    expect(dialect.systemPrompt(context)).toMatch(/image_1 \(1000x800 pixels\)/);
  });
});
