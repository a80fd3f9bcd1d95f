import { createHash } from "node:crypto";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { runCli } from "../support/run-cli.js";
import { modelServer, testImage } from "./agent-harness.js";

describe("loupe ask against a transcript server (config model.response = transcript)", () => {
  it("renders the server's steps and prints its answer", async () => {
    const server = await modelServer([
      {
        content:
          "<think>Find where the photo was taken.</think>" +
          '<tool_call>{"name": "text_search", "arguments": {"queries": ["four colour quadrant test card"]}}</tool_call>' +
          '<observation>[{"title": "Test cards", "url": "https://cards.example", "snippet": "A common test pattern."}]</observation>' +
          "<think>That settles it.</think><answer>A test pattern.</answer>",
      },
    ]);
    const dir = await mkdtemp(join(tmpdir(), "loupe-transcript-"));
    const imagePath = join(dir, "quadrants.jpg");
    await writeFile(imagePath, (await testImage()).bytes);
    const config = join(dir, "loupe.config.json");
    await writeFile(
      config,
      JSON.stringify({
        model: { baseUrl: server.baseUrl, name: "skywork/r1v4-lite", response: "transcript" },
        dialect: "skywork-r1v4",
      }),
    );
    const out = join(dir, "run");
    const result = await runCli(["ask", "-i", imagePath, "--config", config, "--out", out, "What is this?"]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.trim()).toBe("A test pattern.");
    expect(result.stderr).toContain("→ text_search");
    expect(result.stderr).toContain("Test cards");
    expect(server.requests).toHaveLength(1);
    const trajectory = JSON.parse(await readFile(join(out, "trajectory.json"), "utf8"));
    expect(trajectory.steps).toHaveLength(2);
    expect(trajectory.stopReason).toBe("answer");
  });

  it("writes the images the hosted code produced to the run folder", async () => {
    const png = await sharp({ create: { width: 20, height: 10, channels: 3, background: "#3366cc" } })
      .png()
      .toBuffer();
    const server = await modelServer([
      {
        content:
          "<think>Crop.</think>" +
          '<tool_call>{"name": "code", "arguments": {"code": "show(image_1)"}}</tool_call>' +
          `<observation>{"result": "data:image/png;base64,${png.toString("base64")}", "type": "code"}</observation>` +
          "<answer>Blue.</answer>",
      },
    ]);
    const dir = await mkdtemp(join(tmpdir(), "loupe-transcript-"));
    const config = join(dir, "loupe.config.json");
    await writeFile(
      config,
      JSON.stringify({
        model: { baseUrl: server.baseUrl, name: "skywork/r1v4-lite", response: "transcript" },
        dialect: "skywork-r1v4",
      }),
    );
    const out = join(dir, "run");
    const result = await runCli(["ask", "--config", config, "--out", out, "What colour?"]);
    expect(result.code, result.stderr).toBe(0);
    const id = createHash("sha256").update(png).digest("hex");
    expect(Buffer.compare(await readFile(join(out, "images", `${id}.png`)), png)).toBe(0);
    const trajectory = JSON.parse(await readFile(join(out, "trajectory.json"), "utf8"));
    expect(trajectory.steps[0].observations[0]).toMatchObject({
      images: [id],
      text: '{"result": "<sub-image 1>", "type": "code"}',
    });
  });
});
