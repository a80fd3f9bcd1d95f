import { mkdtemp, readdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import sharp from "sharp";
import { afterEach, describe, expect, it } from "vitest";
import { exitCodes } from "../../src/apps/cli/exit-codes.js";
import { lastRequestImages, regionDifference } from "../support/decode-image-parts.js";
import { fixturePath, hasFixtures } from "../support/fixtures.js";
import { startModelServer } from "../support/model-server.js";
import { runCli } from "../support/run-cli.js";

const signicade = fixturePath("hires", "signicade.JPG");
const servers: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function server(script: Parameters<typeof startModelServer>[0]) {
  const started = await startModelServer(script);
  servers.push(started);
  return started;
}

async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), "loupe-e2e-"));
}

/** `loupe ask` on the signicade photo against a test server, writing the run to a new temp folder. */
async function askArgs(baseUrl: string, question: string): Promise<string[]> {
  return ["ask", "-i", signicade, "--base-url", baseUrl, "--model", "m", "--out", await tempDir(), question];
}

describe.skipIf(!hasFixtures)("loupe ask (end to end, real HTTP)", () => {
  it("native dialect: the model crops a region and receives exactly that region's pixels", async () => {
    const model = await server([
      { toolCalls: [{ name: "crop", arguments: { box: [0.5, 0.25, 0.75, 0.5], coordinates: "fraction" } }] },
      { content: "The crop shows the sign." },
    ]);
    const out = await tempDir();
    const result = await runCli([
      "ask",
      "--image",
      signicade,
      "--base-url",
      model.baseUrl,
      "--model",
      "test-model",
      "--out",
      out,
      "What does the sign say?",
    ]);
    expect(result.stderr).toContain("→ crop");
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.trim()).toBe("The crop shows the sign.");
    expect(model.requests).toHaveLength(2);

    const second = model.requests[1]!.body;
    expect(second.messages.some((message: { role: string }) => message.role === "tool")).toBe(true);
    const [cropSeen] = lastRequestImages(second);
    const { width = 0, height = 0 } = await sharp(signicade)
      .rotate()
      .metadata()
      .then((m) => ((m.orientation ?? 1) >= 5 ? { width: m.height, height: m.width } : m));
    const box = {
      left: Math.round(width * 0.5),
      top: Math.round(height * 0.25),
      width: Math.round(width * 0.25),
      height: Math.round(height * 0.25),
    };
    const sameRegion = await regionDifference(cropSeen!, signicade, box);
    const otherRegion = await regionDifference(cropSeen!, signicade, { ...box, left: 0, top: 0 });
    expect(sameRegion).toBeLessThan(8);
    expect(otherRegion).toBeGreaterThan(sameRegion * 2);

    const trajectory = JSON.parse(await readFile(join(out, "trajectory.json"), "utf8"));
    expect(trajectory.stopReason).toBe("answer");
    expect(trajectory.images).toHaveLength(2);
    expect(trajectory.images[1].provenance).toMatchObject({
      kind: "tool",
      tool: "crop",
      parent: trajectory.images[0].id,
    });
    expect(await readdir(join(out, "images"))).toHaveLength(2);

    const replay = await runCli(["replay", out]);
    expect(replay.code, replay.stderr).toBe(0);
    expect(replay.stdout).toContain("→ crop");
    expect(replay.stdout).toContain("The crop shows the sign.");
  });

  it("deepeyes dialect: image_zoom_in_tool in pixels of the view it was sent, streamed, --json trajectory", async () => {
    const model = await server([
      {
        content:
          '<think>The label is small; zoom in.</think>\n<tool_call>{"name": "image_zoom_in_tool", "arguments": {"bbox_2d": [100, 200, 900, 700], "label": "sign"}}</tool_call>',
      },
      { content: "<think>Now I can read it.</think><answer>SIGNICADE</answer>" },
    ]);
    const result = await runCli([
      "ask",
      "-i",
      signicade,
      "--base-url",
      model.baseUrl,
      "--model",
      "test-model",
      "--dialect",
      "deepeyes",
      "--out",
      await tempDir(),
      "--json",
      "Read the sign.",
    ]);
    expect(result.code, result.stderr).toBe(0);
    const trajectory = JSON.parse(result.stdout);
    expect(trajectory.answer).toBe("SIGNICADE");
    expect(trajectory.steps[0].actions[0]).toMatchObject({ tool: "crop" });
    const second = model.requests[1]!.body;
    expect(JSON.stringify(second.messages)).toContain("tool_response");
    expect(second.stream).toBe(true);
    const [zoomed] = lastRequestImages(second);
    // The deepeyes profile shows the 4240x2700 photo as Qwen2.5-VL's smart_resize does at up to
    // 16384x28x28 pixels: 4228x2688. The box is in those pixels; on the original it is this region.
    const [scaleX, scaleY] = [4240 / 4228, 2700 / 2688];
    const region = { left: 100 * scaleX, top: 200 * scaleY, right: 900 * scaleX, bottom: 700 * scaleY };
    const [left, top] = [Math.floor(region.left), Math.floor(region.top)];
    const [width, height] = [Math.ceil(region.right) - left, Math.ceil(region.bottom) - top];
    expect(await regionDifference(zoomed!, signicade, { left, top, width, height })).toBeLessThan(8);
  });

  it("retries a failing server, then succeeds", async () => {
    const model = await server([{ status: 503, error: { message: "warming up" } }, { content: "Fine now." }]);
    const result = await runCli(await askArgs(model.baseUrl, "Hi?"));
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/503|warming up/);
    expect(result.stdout.trim()).toBe("Fine now.");
  });

  it("gives up on a hanging server with a clear error and still writes the trajectory", async () => {
    const model = await server(() => ({ hang: true }));
    const dir = await tempDir();
    const config = join(dir, "loupe.config.json");
    await writeFile(
      config,
      JSON.stringify({ model: { baseUrl: model.baseUrl, name: "m", timeoutMs: 400, maxRetries: 1 } }),
    );
    const out = join(dir, "run");
    const result = await runCli(["ask", "-i", signicade, "--config", config, "--out", out, "Hello?"]);
    expect(result.code).toBe(exitCodes.modelFailure);
    expect(result.stderr).toMatch(/timed out|timeout/i);
    const trajectory = JSON.parse(await readFile(join(out, "trajectory.json"), "utf8"));
    expect(trajectory.stopReason).toBe("error");
    expect(trajectory.error.code).toBe("model-timeout");
  });

  it("answers a malformed tool call with an error observation and goes on", async () => {
    const model = await server([
      { toolCalls: [{ name: "crop", arguments: '{"box": [1, 2, 3' }] },
      { toolCalls: [{ name: "teleport", arguments: {} }] },
      { content: "Done." },
    ]);
    const result = await runCli(await askArgs(model.baseUrl, "?"));
    expect(result.code, result.stderr).toBe(0);
    const toolMessages = (body: { messages: { role: string; content: string }[] }) =>
      body.messages.filter((message) => message.role === "tool").map((message) => message.content);
    expect(toolMessages(model.requests[1]!.body).join("\n")).toMatch(/error/i);
    expect(toolMessages(model.requests[2]!.body).join("\n")).toMatch(
      /"teleport" is not available|no tool named "teleport"/,
    );
  });

  it("refuses an image over the pixel limit with a message naming it", async () => {
    const dir = await tempDir();
    const config = join(dir, "loupe.config.json");
    await writeFile(
      config,
      JSON.stringify({
        model: { baseUrl: "http://127.0.0.1:9/v1", name: "m" },
        images: { maxInputPixels: 100_000 },
      }),
    );
    const result = await runCli(["ask", "-i", signicade, "--config", config, "?"]);
    // An input file that is wrong is the user's to fix: the config exit code.
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/signicade\.JPG/);
    expect(result.stderr).toMatch(/pixel/i);
  });
});

describe("loupe without a model", () => {
  it("explains how to point Loupe at vLLM, Ollama or a hosted API", async () => {
    const result = await runCli(["ask", "What is this?"], { env: { HOME: await tempDir() } });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/vllm serve/i);
    expect(result.stderr).toMatch(/ollama/i);
    expect(result.stderr).toMatch(/LOUPE_BASE_URL/);
  });
});

describe("loupe tools", () => {
  it("lists the tools with their schemas", async () => {
    const result = await runCli(["tools", "--json"]);
    expect(result.code, result.stderr).toBe(0);
    const tools = JSON.parse(result.stdout) as { name: string; parameters: { properties: object } }[];
    const names = tools.map((tool) => tool.name);
    expect(names).toEqual(expect.arrayContaining(["crop", "rotate", "enhance", "ocr", "python"]));
    expect(tools.find((tool) => tool.name === "crop")!.parameters.properties).toHaveProperty("box");
  });
});
