import { describe, expect, it } from "vitest";
import { DeepEyesDialect } from "./deepeyes.js";
import { validateZoomBox } from "./deepeyes-box.js";
import { addProducedImage, modelOutput, testContext } from "./testing/dialect-test-context.js";

function parse(content: string, tools = ["crop"]) {
  return new DeepEyesDialect().parse(modelOutput(content), testContext(tools));
}

function zoom(args: string): string {
  return `<think>The text is small; zoom in.</think>\n<tool_call>\n{"name": "image_zoom_in_tool", "arguments": ${args}}\n</tool_call>`;
}

describe("validateZoomBox", () => {
  it("clamps to the image and keeps valid boxes", () => {
    expect(validateZoomBox([-5, 10, 2000, 300], 1000, 800)).toEqual([0, 10, 1000, 300]);
  });

  it("grows a side under 28 px around the centre, inside the image", () => {
    expect(validateZoomBox([100, 100, 110, 200], 1000, 800)).toEqual([91, 10, 119, 290]);
    expect(validateZoomBox([0, 0, 10, 10], 1000, 800)).toEqual([0, 0, 28, 28]);
  });

  it("refuses empty, inverted, too thin and malformed boxes", () => {
    expect(validateZoomBox([50, 50, 40, 60], 1000, 800)).toMatch(/x1 < x2/);
    expect(validateZoomBox([1200, 0, 1300, 10], 1000, 800)).toMatch(/no area/);
    expect(validateZoomBox([0, 0, 1000, 5], 1000, 800)).toMatch(/aspect ratio/);
    expect(validateZoomBox([1, 2, 3], 1000, 800)).toMatch(/four numbers/);
  });
});

describe("deepeyes dialect", () => {
  it("turns a zoom call into a pixel crop of the original image", () => {
    const turn = parse(zoom('{"bbox_2d": [120, 40, 480, 300], "label": "sign"}'));
    expect(turn.reasoning).toBe("The text is small; zoom in.");
    expect(turn.calls).toEqual([
      {
        id: "call_1",
        name: "crop",
        arguments: { image: "image_1", box: [120, 40, 480, 300], coordinates: "pixel", label: "sign" },
        raw: expect.stringMatching(/^<tool_call>/),
      },
    ]);
  });

  it("reads trailing commas, string numbers and an unclosed tag", () => {
    const turn = parse(
      '<tool_call>{"name": "image_zoom_in_tool", "arguments": {"bbox_2d": ["10", 20, 300, 400],}',
    );
    expect(turn.calls[0]?.arguments).toMatchObject({ box: [10, 20, 300, 400] });
  });

  it("answers invalid boxes and unknown tools with errors", () => {
    const turn = parse(
      `${zoom('{"bbox_2d": [500, 500, 400, 600]}')}${zoom('{"bbox": [1]}')}<tool_call>{"name": "search"}</tool_call>`,
    );
    expect(turn.calls).toEqual([]);
    expect(turn.errors.map((error) => error.message)).toEqual([
      expect.stringMatching(/x1 < x2/),
      expect.stringMatching(/four numbers/),
      'Error: the tool "search" is not available. Available tools: image_zoom_in_tool.',
    ]);
    expect(parse(zoom('{"bbox_2d": [0, 0, 50, 50]}'), []).errors[0]?.message).toMatch(
      /none \(answer directly\)/,
    );
  });

  it("takes an answer with no call", () => {
    expect(parse("<think>clear</think> <answer>STOP</answer>")).toMatchObject({ answer: "STOP", calls: [] });
  });

  it("returns the crop inside <tool_response>, and errors as text", () => {
    const context = testContext(["crop"]);
    const crop = addProducedImage(context.images, 1);
    const [message] = new DeepEyesDialect().observations(
      [
        { id: "call_1", name: "crop", result: { text: "Cropped.", images: [crop] } },
        { id: "call_2", name: "crop", result: { text: "Error: bad box", images: [], isError: true } },
      ],
      context,
    );
    expect(message).toEqual({
      role: "user",
      content: [
        { type: "text", text: "<tool_response>\n" },
        { type: "image", imageId: crop.id },
        { type: "text", text: "\n</tool_response>\n<tool_response>\nError: bad box\n</tool_response>" },
      ],
    });
  });

  it("lists the zoom tool only when crop is enabled", () => {
    const dialect = new DeepEyesDialect();
    expect(dialect.systemPrompt(testContext(["crop"]))).toMatch(/image_zoom_in_tool/);
    expect(dialect.systemPrompt(testContext([]))).not.toMatch(/image_zoom_in_tool/);
  });
});
