import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasSandbox } from "../../src/sandbox/sandbox-test-support.js";
import { fixturePath, hasFixtures } from "../support/fixtures.js";
import { type ModelServer, startModelServer } from "../support/model-server.js";
import {
  connectStdio,
  imagesOf,
  rawPixels,
  regionPixels,
  textOf,
  writePatternImage,
} from "./mcp-test-support.js";

/** `loupe mcp` on stdio, driven by the official MCP SDK client as Claude Desktop or any MCP host would. */
describe("loupe mcp over stdio", () => {
  let client: Client;
  let close: () => Promise<void>;
  let model: ModelServer;
  let pattern: string;

  beforeAll(async () => {
    pattern = await writePatternImage();
    model = await startModelServer([
      { toolCalls: [{ name: "crop", arguments: { box: [10, 20, 110, 80], scale: 1 } }] },
      { content: "The crop is a gradient." },
    ]);
    const connected = await connectStdio(["--base-url", model.baseUrl, "--model", "test-model"]);
    client = connected.client;
    close = () => connected.client.close();
  }, 60_000);
  afterAll(async () => {
    await close?.();
    await model?.close();
  });

  it("lists Loupe's registered tools and ask, each with its argument schema", async () => {
    const { tools } = await client.listTools();
    const names = tools.map((tool) => tool.name);
    for (const name of ["crop", "rotate", "flip", "resize", "enhance", "annotate", "ocr", "python"])
      expect(names).toContain(name);
    for (const name of ["text_search", "image_search", "web_visit", "ask"]) expect(names).toContain(name);
    const crop = tools.find((tool) => tool.name === "crop");
    const properties = crop?.inputSchema.properties as Record<string, { anyOf?: { type?: string }[] }>;
    expect(Object.keys(properties)).toEqual(expect.arrayContaining(["image", "box", "coordinates", "scale"]));
    // The image argument takes a label, a number or MCP image content.
    expect(properties.image?.anyOf?.map((option) => option.type)).toEqual(["string", "integer", "object"]);
  });

  it("crops an image file, then crops the crop: the pixels are the original's region", async () => {
    const first = await client.callTool({
      name: "crop",
      arguments: { image: pattern, box: [10, 20, 110, 80], scale: 1 },
    });
    expect(first.isError, textOf(first)).toBeFalsy();
    // The file became image_1, its crop image_2.
    expect(textOf(first)).toContain("Cropped image_1 [10, 20, 110, 80] (pixel) -> image_2, 100x60");
    const [firstImage] = imagesOf(first);
    expect(firstImage?.mimeType).toBe("image/png");
    expect(await rawPixels(Buffer.from(firstImage?.data ?? "", "base64"))).toEqual(
      await regionPixels(pattern, 10, 20, 100, 60),
    );

    const second = await client.callTool({
      name: "crop",
      arguments: { image: "image_2", box: [5, 5, 85, 45], scale: 1 },
    });
    expect(second.isError, textOf(second)).toBeFalsy();
    expect(textOf(second)).toContain("-> image_3, 80x40");
    expect(textOf(second)).toContain("in image_1 this is [15, 25, 95, 65]");
    const [secondImage] = imagesOf(second);
    expect(await rawPixels(Buffer.from(secondImage?.data ?? "", "base64"))).toEqual(
      await regionPixels(pattern, 15, 25, 80, 40),
    );
  });

  it("takes MCP image content as an image argument", async () => {
    const data = (await readFile(pattern)).toString("base64");
    const result = await client.callTool({
      name: "flip",
      arguments: { image: { type: "image", data, mimeType: "image/png" }, axis: "horizontal" },
    });
    expect(result.isError, textOf(result)).toBeFalsy();
    // The same bytes as the file: content-addressed, so still image_1.
    expect(textOf(result)).toContain("image_1");
    expect(imagesOf(result)).toHaveLength(1);
  });

  it("answers a bad argument with isError naming the field, and goes on serving", async () => {
    const bad = await client.callTool({ name: "crop", arguments: { image: "image_1", box: [1, 2, 3] } });
    expect(bad.isError).toBe(true);
    expect(textOf(bad)).toMatch(/\bbox\b/);
    const unknown = await client.callTool({
      name: "crop",
      arguments: { image: "image_9", box: [0, 0, 5, 5] },
    });
    expect(unknown.isError).toBe(true);
    expect(textOf(unknown)).toContain('No image named "image_9"');
    const good = await client.callTool({ name: "rotate", arguments: { image: "image_1", degrees: 90 } });
    expect(good.isError, textOf(good)).toBeFalsy();
  });

  it.skipIf(!hasSandbox)(
    "keeps Python variables across calls and returns its images as MCP images",
    async () => {
      const first = await client.callTool({ name: "python", arguments: { code: "answer = 6 * 7\nanswer" } });
      expect(first.isError, textOf(first)).toBeFalsy();
      expect(textOf(first)).toContain("42");
      const second = await client.callTool({
        name: "python",
        arguments: { code: "print(answer + 1)\nshow(image_1.crop((0, 0, 32, 16)))" },
      });
      expect(second.isError, textOf(second)).toBeFalsy();
      expect(textOf(second)).toContain("43");
      const [image] = imagesOf(second);
      expect(image).toBeDefined();
      expect(await rawPixels(Buffer.from(image?.data ?? "", "base64"))).toEqual(
        await regionPixels(pattern, 0, 0, 32, 16),
      );
    },
    60_000,
  );

  it("ask runs the whole agent on the configured model and answers with a summary", async () => {
    const progress: string[] = [];
    const result = await client.callTool(
      { name: "ask", arguments: { question: "What is in the picture?", images: [pattern] } },
      undefined,
      { onprogress: ({ message }) => progress.push(message ?? ""), resetTimeoutOnProgress: true },
    );
    // Each step and call was reported as it happened.
    expect(progress).toEqual(["step 1: asking the model", "step 1: crop", "step 2: asking the model"]);
    expect(result.isError, textOf(result)).toBeFalsy();
    expect(textOf(result)).toContain("The crop is a gradient.");
    expect(textOf(result)).toMatch(/2 steps, 1 tool call \(crop\); stopped: answer/);
    expect(textOf(result)).toContain(
      'step 1: crop {"box":[10,20,110,80],"scale":1} -> Cropped image_1 [10, 20, 110, 80] (pixel) -> image_2, 100x60.',
    );
    expect(model.requests).toHaveLength(2);
    // The model was sent the image, and then its crop.
    const firstMessages = JSON.stringify(model.requests[0]?.body.messages);
    expect(firstMessages).toContain("image_url");
  }, 60_000);
});

describe("loupe mcp over stdio without a model", () => {
  it("serves the tools, and ask says what to configure", async () => {
    // No --base-url: Loupe looks for Ollama and vLLM on loopback, finds none, and starts anyway.
    const { client } = await connectStdio([]);
    try {
      const result = await client.callTool({ name: "ask", arguments: { question: "Anything?" } });
      expect(result.isError).toBe(true);
      expect(textOf(result)).toContain("No model is configured for ask");
      const flip = await client.callTool({
        name: "flip",
        arguments: { image: await writePatternImage(32, 32), axis: "vertical" },
      });
      expect(flip.isError, textOf(flip)).toBeFalsy();
    } finally {
      await client.close();
    }
  }, 60_000);
});

describe("loupe mcp over stdio, when the client goes", () => {
  it("exits by itself once its stdin closes, before the client would have to kill it, under 1 GB", async () => {
    const peakMemoryFile = join(await mkdtemp(join(tmpdir(), "loupe-mcp-peak-")), "peak");
    const { client, transport } = await connectStdio(
      ["--base-url", "http://127.0.0.1:9/v1", "--model", "m"],
      undefined,
      { peakMemoryFile },
    );
    // A 4240x2700 photo where the fixtures are there: cropped, and the crop cropped again.
    const photo = hasFixtures ? fixturePath("hires", "signicade.JPG") : await writePatternImage(400, 300);
    const box = { box: [0.25, 0.25, 0.75, 0.75], coordinates: "fraction" };
    const first = await client.callTool({ name: "crop", arguments: { image: photo, ...box } });
    expect(first.isError, textOf(first)).toBeFalsy();
    const second = await client.callTool({ name: "crop", arguments: { image: "image_2", ...box } });
    expect(second.isError, textOf(second)).toBeFalsy();
    const pid = transport.pid;
    expect(pid).toBeGreaterThan(0);
    // Alive until the client closes: the check below, that it is gone after, can fail.
    expect(() => process.kill(pid!, 0)).not.toThrow();
    const started = Date.now();
    // The SDK client ends stdin, waits up to 2 s, then sends SIGTERM.
    await client.close();
    expect(Date.now() - started).toBeLessThan(1_900);
    expect(() => process.kill(pid ?? 0, 0)).toThrow();
    const peak = Number(await readFile(peakMemoryFile, "utf8"));
    expect(peak).toBeGreaterThan(0);
    expect(peak).toBeLessThan(1024 ** 3);
    console.info(`loupe mcp peak RSS: ${Math.round(peak / 1024 ** 2)} MiB`);
  }, 60_000);
});
