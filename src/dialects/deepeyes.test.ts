import { describe, expect, it } from "vitest";
import { addProducedImage, modelOutput, testContext } from "../../test/support/dialect-test-context.js";
import { DeepEyesDialect } from "./deepeyes.js";
import { checkZoomBox } from "./deepeyes-box.js";
import { profileDialectOptions } from "./profiles.js";

/** Parses under a profile's options: `deepeyes-rl` checks boxes as the RL tool did. */
function parse(content: string, tools = ["crop"], profile = "deepeyes-rl") {
  const dialect = new DeepEyesDialect({ options: profileDialectOptions(profile) });
  return dialect.parse(modelOutput(content), testContext(tools));
}

function zoom(args: string): string {
  return `<think>The text is small; zoom in.</think>\n<tool_call>\n{"name": "image_zoom_in_tool", "arguments": ${args}}\n</tool_call>`;
}

describe("checkZoomBox", () => {
  const image = { width: 1000, height: 800, pixels: true };

  it("checks nothing under the eval rules", () => {
    expect(checkZoomBox([-5, 10, 2000, 300], image, "none")).toEqual([-5, 10, 2000, 300]);
    expect(checkZoomBox([1, 2, 3], image, "none")).toMatch(/four numbers/);
  });

  it("clamps to the image and keeps valid boxes under the RL rules", () => {
    expect(checkZoomBox([-5, 10, 2000, 300], image, "deepeyes-rl")).toEqual([0, 10, 1000, 300]);
  });

  it("refuses, as the RL tool does, a side of 30 px or less after clamping", () => {
    expect(checkZoomBox([100, 100, 131, 200], image, "deepeyes-rl")).toEqual([100, 100, 131, 200]);
    expect(checkZoomBox([100, 100, 130, 200], image, "deepeyes-rl")).toMatch(/over 30 pixels/);
    expect(checkZoomBox([980, 0, 1200, 200], image, "deepeyes-rl")).toMatch(/over 30 pixels/);
  });

  it("refuses empty, inverted, too thin and malformed boxes under the RL rules", () => {
    expect(checkZoomBox([50, 50, 40, 60], image, "deepeyes-rl")).toMatch(/x1 < x2/);
    expect(checkZoomBox([1200, 0, 1300, 10], image, "deepeyes-rl")).toMatch(/no area/);
    expect(checkZoomBox([0, 0, 1000, 5], image, "deepeyes-rl")).toMatch(/aspect ratio/);
  });
});

describe("deepeyes dialect", () => {
  it("turns a zoom call into a crop in pixels of the view the model saw, at the crop's own size", () => {
    const turn = parse(zoom('{"bbox_2d": [120, 40, 480, 300], "label": "sign"}'));
    expect(turn.reasoning).toBe("The text is small; zoom in.");
    expect(turn.calls).toEqual([
      {
        id: "call_1",
        name: "crop",
        arguments: {
          image: "image_1",
          box: [120, 40, 480, 300],
          coordinates: "view",
          scale: 1,
          label: "sign",
        },
        raw: expect.stringMatching(/^<tool_call>/),
      },
    ]);
  });

  it("passes boxes through unchecked under the eval profile, as eval_vstar.py does", () => {
    const turn = parse(zoom('{"bbox_2d": [500, 500, 400, 600]}'), ["crop"], "deepeyes");
    expect(turn.calls[0]?.arguments).toMatchObject({ box: [500, 500, 400, 600], coordinates: "view" });
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

  it("returns the crop inside <tool_response> followed by the instruction, and errors as plain text", () => {
    const context = testContext(["crop"]);
    const crop = addProducedImage(context.images, 1);
    const [message] = new DeepEyesDialect().observations(
      [
        { id: "call_1", name: "crop", result: { text: "Cropped.", images: [crop] } },
        { id: "call_2", name: "crop", result: { text: "Error: bad box", images: [], isError: true } },
      ],
      context,
    );
    const instruction = new DeepEyesDialect().pack.tools?.crop?.suffix ?? "";
    expect(instruction).toMatch(/^\n.*<answer>.*<\/tool_response>$/);
    expect(message).toEqual({
      role: "user",
      content: [
        { type: "text", text: "<tool_response>" },
        { type: "image", imageId: crop.id },
        { type: "text", text: `${instruction}\nError: bad box` },
      ],
    });
  });

  it("lists the zoom tool only when crop is enabled", () => {
    const dialect = new DeepEyesDialect();
    expect(dialect.systemPrompt(testContext(["crop"]))).toMatch(/image_zoom_in_tool/);
    expect(dialect.systemPrompt(testContext([]))).not.toMatch(/image_zoom_in_tool/);
  });

  it("runs one zoom per turn: the last under the RL profile, the first under the eval profile", () => {
    const twice = `${zoom('{"bbox_2d": [100, 100, 300, 300]}')}\n${zoom('{"bbox_2d": [200, 200, 400, 400]}')}`;
    const rl = parse(twice, ["crop"], "deepeyes-rl");
    expect(rl.calls.map((call) => (call.arguments as { box: number[] }).box)).toEqual([[200, 200, 400, 400]]);
    const evaluation = parse(twice, ["crop"], "deepeyes");
    expect(evaluation.calls.map((call) => (call.arguments as { box: number[] }).box)).toEqual([
      [100, 100, 300, 300],
    ]);
    expect(evaluation.errors).toEqual([]);
  });
});
