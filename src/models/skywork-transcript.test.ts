import { describe, expect, it } from "vitest";
import { observationImages, parseSkyworkTranscript } from "./skywork-transcript.js";

describe("parseSkyworkTranscript", () => {
  it("reads a clean deep-research run into steps and an answer", () => {
    const transcript = [
      "<think>The sign says Shengjia Hotel. I should search the image.</think>",
      '<tool_call>{"name": "image_search", "arguments": {"image_paths": ["input.jpg"]}}</tool_call>',
      '<observation>[{"title": "JINC SAINT Hotel", "source": "https://img/1.jpg", "link": "https://a"}]</observation>',
      "<think>Results point to Chongqing. Confirm with text search.</think>",
      '<tool_call>{"name": "text_search", "arguments": {"queries": ["JINC Saint Hotel Chongqing address"]}}</tool_call>',
      '<observation>[{"title": "Jinke Saint Hotel", "url": "https://b", "snippet": "No. 99 Minzu Road"}]</observation>',
      "<think>Enough evidence.</think><answer>Chongqing, China (Yuzhong District).</answer>",
    ].join("\n");
    expect(parseSkyworkTranscript(transcript)).toEqual({
      steps: [
        {
          reasoning: "The sign says Shengjia Hotel. I should search the image.",
          action: {
            name: "image_search",
            arguments: { image_paths: ["input.jpg"] },
            raw: '{"name": "image_search", "arguments": {"image_paths": ["input.jpg"]}}',
          },
          observation: '[{"title": "JINC SAINT Hotel", "source": "https://img/1.jpg", "link": "https://a"}]',
        },
        {
          reasoning: "Results point to Chongqing. Confirm with text search.",
          action: {
            name: "text_search",
            arguments: { queries: ["JINC Saint Hotel Chongqing address"] },
            raw: '{"name": "text_search", "arguments": {"queries": ["JINC Saint Hotel Chongqing address"]}}',
          },
          observation: '[{"title": "Jinke Saint Hotel", "url": "https://b", "snippet": "No. 99 Minzu Road"}]',
        },
        { reasoning: "Enough evidence." },
      ],
      answer: "Chongqing, China (Yuzhong District).",
    });
  });

  it("survives the paper's malformed transcript: placeholders, curly quotes, stray braces and </think>", () => {
    const transcript = `<think>I should use image search.</think>
<tool_call>{"name": "image_search", "arguments": {"image_paths": [<image>]
}</tool_call>}
<observation>1. JINC SAINT Hotel link: [link 1]
</observation>
<think>Search for the location.</think>
<tool_call>{"name": "text_search", "arguments": {"queries": [\u2019Chongqing JINC Saint Hotel location\u2019]}}</tool_call>}
<observation>1. Jinke Saint Hotel ... Yuzhong District</observation>
</think>Based on the search results, it is Chongqing.</think>
<answer>
Chongqing, China.
</answer>`;
    const parsed = parseSkyworkTranscript(transcript);
    expect(parsed.answer).toBe("Chongqing, China.");
    expect(parsed.steps).toHaveLength(3);
    expect(parsed.steps[0]?.action).toMatchObject({
      name: "image_search",
      arguments: { image_paths: ["<image>"] },
    });
    expect(parsed.steps[1]?.action).toMatchObject({
      name: "text_search",
      arguments: { queries: ["Chongqing JINC Saint Hotel location"] },
    });
    expect(parsed.steps[1]?.observation).toBe("1. Jinke Saint Hotel ... Yuzhong District");
    expect(parsed.steps[2]).toEqual({ reasoning: "Based on the search results, it is Chongqing." });
  });

  it("accepts the bare-tag variant and gives it the JSON variant's argument shapes", () => {
    const transcript =
      "<think>Search the web.</think><text_search>Eiffel Tower height</text_search>" +
      "<observation>330 m</observation>" +
      "<think>Read the page.</think><web_content>https://example.org/tower</web_content><observation>page</observation>" +
      '<think>Crop.</think><code>\n```python\nimage.crop((0, 0, 10, 10))\n```\n</code><observation>{"result": "ok", "type": "code"}</observation>' +
      "<answer>330 metres</answer>";
    const parsed = parseSkyworkTranscript(transcript);
    expect(parsed.steps.map((step) => step.action?.arguments)).toEqual([
      { queries: ["Eiffel Tower height"] },
      { urls: ["https://example.org/tower"] },
      { code: "image.crop((0, 0, 10, 10))" },
    ]);
    expect(parsed.steps.map((step) => step.action?.name)).toEqual(["text_search", "web_content", "code"]);
    expect(parsed.answer).toBe("330 metres");
  });

  it("closes unclosed tags at the next block and handles a missing think", () => {
    const transcript =
      'I will look it up.<tool_call>{"name": "web_visit", "arguments": {"urls": ["https://x.org"]}}' +
      "<observation>The page says 42.<think>So the answer is 42.<answer>42";
    expect(parseSkyworkTranscript(transcript)).toEqual({
      steps: [
        {
          reasoning: "I will look it up.",
          action: {
            name: "web_visit",
            arguments: { urls: ["https://x.org"] },
            raw: '{"name": "web_visit", "arguments": {"urls": ["https://x.org"]}}',
          },
          observation: "The page says 42.",
        },
        { reasoning: "So the answer is 42." },
      ],
      answer: "42",
    });
  });

  it("keeps markup inside an observation as text", () => {
    const parsed = parseSkyworkTranscript(
      '<think>a</think><tool_call>{"name": "web_visit", "arguments": {"urls": ["u"]}}</tool_call>' +
        "<observation>use <code>x</code> and <think> here</observation><answer>b</answer>",
    );
    // Observations come from Skywork's runtime and may quote page markup: only </observation> ends one.
    expect(parsed.steps[0]?.observation).toBe("use <code>x</code> and <think> here");
  });

  it("ends an unclosed observation at the next block, recovering the action after it", () => {
    const parsed = parseSkyworkTranscript(
      '<tool_call>{"name": "code", "arguments": {"code": "1"}}</tool_call><observation>first' +
        '<tool_call>{"name": "code", "arguments": {"code": "2"}}</tool_call><observation>second</observation>',
    );
    expect(parsed.steps.map((step) => [step.action?.arguments, step.observation])).toEqual([
      [{ code: "1" }, "first"],
      [{ code: "2" }, "second"],
    ]);
  });

  it("reports an unreadable tool call instead of throwing", () => {
    const parsed = parseSkyworkTranscript(
      '<think>t</think><tool_call>{"name": "code", "arguments": {code: print(</tool_call>',
    );
    expect(parsed.steps[0]?.action).toMatchObject({ name: "code", arguments: undefined });
    expect(parsed.steps[0]?.action?.error).toMatch(/not valid JSON/);
    expect(parseSkyworkTranscript("")).toEqual({ steps: [] });
  });

  it("decodes arguments given as a JSON string", () => {
    const parsed = parseSkyworkTranscript(
      '<tool_call>{"name": "text_search", "arguments": "{\\"queries\\": [\\"a\\"]}"}</tool_call>',
    );
    expect(parsed.steps[0]?.action?.arguments).toEqual({ queries: ["a"] });
  });

  describe("images in observations (data URLs, as upstream visual.py finds them)", () => {
    const bytes = Uint8Array.from({ length: 40 }, (_, index) => index * 6);
    const base64 = Buffer.from(bytes).toString("base64");

    it("decodes each data URL of an observation, keeping the URL as written for the recorder", () => {
      const wrapped = `${base64.slice(0, 20)}\n ${base64.slice(20)}`;
      const parsed = parseSkyworkTranscript(
        '<think>crop</think><tool_call>{"name": "code", "arguments": {"code": "show(x)"}}</tool_call>' +
          `<observation>{"result": "data:image/png;base64,${wrapped}", "images": ["data:image/jpeg;base64,${base64}"], "type": "code"}</observation>` +
          "<answer>a</answer>",
      );
      const images = parsed.steps[0]?.observationImages ?? [];
      expect(images.map((image) => image.mime)).toEqual(["image/png", "image/jpeg"]);
      expect(images[0]?.url).toBe(`data:image/png;base64,${wrapped}`);
      expect(images.map((image) => [...(image.bytes ?? [])])).toEqual([[...bytes], [...bytes]]);
      expect(parsed.steps[0]?.observation).toContain(images[0]!.url);
    });

    it("ends the payload where upstream does: a quote, a backslash, a brace, a comma, or the end", () => {
      const texts = ['"', "\\", "}", ",", "<", ")"].map(
        (end) => `see data:image/webp;base64,${base64}${end}tail`,
      );
      for (const text of [...texts, `see data:image/webp;base64,${base64}`]) {
        const [image] = observationImages(text);
        expect(image?.bytes && [...image.bytes]).toEqual([...bytes]);
      }
      expect(observationImages("no images here, data:text/plain;base64,AAAA")).toEqual([]);
    });

    it("caps the count and the size, and reports a malformed payload, without decoding them", () => {
      const many = Array.from({ length: 3 }, () => `"data:image/png;base64,${base64}"`).join(", ");
      const capped = observationImages(many, { maxImagesPerObservation: 2 });
      expect(capped.map((image) => image.error)).toEqual([
        undefined,
        undefined,
        "more than 2 images in one observation",
      ]);
      const big = observationImages(`"data:image/png;base64,${base64}"`, { maxImageBytes: 10 });
      expect(big[0]?.error).toMatch(/over the limit of 10 bytes/);
      expect(big[0]?.bytes).toBeUndefined();
      expect(observationImages('"data:image/png;base64,AB=CD"')[0]?.error).toMatch(/malformed/);
    });
  });
});
