import { describe, expect, it } from "vitest";
import { addProducedImage, modelOutput, testContext } from "../../test/support/dialect-test-context.js";
import { ArtistDialect } from "./artist.js";

function parse(content: string, tools = ["python", "crop"]) {
  return new ArtistDialect().parse(modelOutput(content), testContext(tools));
}

describe("artist dialect", () => {
  it("reads <python> code after <think>", () => {
    const turn = parse("<think>measure it</think>\n<python>\nprint(image_1.size)\n</python>");
    expect(turn).toMatchObject({
      reasoning: "measure it",
      calls: [{ name: "python", arguments: { code: "print(image_1.size)" } }],
    });
  });

  it("reads the function-calling variant with <reasoning> and <tool>", () => {
    const turn = parse(
      '<reasoning>zoom</reasoning><tool>{"name": "crop", "arguments": {"box": [0, 0, 0.5, 0.5], "coordinates": "fraction",}}</tool>',
    );
    expect(turn.reasoning).toBe("zoom");
    expect(turn.calls[0]).toMatchObject({
      name: "crop",
      arguments: { box: [0, 0, 0.5, 0.5], coordinates: "fraction" },
    });
  });

  it("reports disabled tools and broken JSON, and reads two actions", () => {
    const turn = parse(
      '<python>a = 1</python><tool>{"name": "web_visit", "arguments": {}}</tool><tool>{oops</tool>',
    );
    expect(turn.calls.map((call) => call.name)).toEqual(["python"]);
    expect(turn.errors[0]?.message).toBe(
      'Error: the tool "web_visit" is not available. Available tools: python, crop.',
    );
    expect(turn.errors[1]?.message).toMatch(/unreadable <tool> call/);
  });

  it("answers when no action comes first", () => {
    expect(parse("<answer>42</answer><python>print(1)</python>")).toMatchObject({ answer: "42", calls: [] });
  });

  it("writes results inside <output> with produced images", () => {
    const context = testContext(["python"]);
    const plot = addProducedImage(context.images, 1);
    const [message] = new ArtistDialect().observations(
      [
        {
          id: "call_1",
          name: "python",
          result: { text: "", images: [plot], data: { kind: "code", stdout: "(1000, 800)\n", stderr: "" } },
        },
      ],
      context,
    );
    expect(message).toEqual({
      role: "user",
      content: [
        { type: "text", text: "<output>\n(1000, 800)\nimage_3:" },
        { type: "image", imageId: plot.id },
        { type: "text", text: "\n</output>" },
      ],
    });
  });

  it("lists only enabled tools, with their JSON schemas", () => {
    const prompt = new ArtistDialect().systemPrompt(testContext(["python", "crop"]));
    expect(prompt).toMatch(/<python>/);
    expect(prompt).toMatch(/- crop: .*"box"/);
    expect(prompt).not.toMatch(/web_visit|text_search/);
    expect(new ArtistDialect().systemPrompt(testContext(["crop"]))).not.toMatch(/<python>/);
  });
});
