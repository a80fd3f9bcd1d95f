import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import sharp from "sharp";
import { afterEach, describe, expect, it } from "vitest";
import { exitCodes } from "../../src/apps/cli/exit-codes.js";
import { registeredProfiles } from "../../src/dialects/profiles.js";
import { lastRequestImages } from "../support/decode-image-parts.js";
import { startModelServer } from "../support/model-server.js";
import { runCli } from "../support/run-cli.js";

const servers: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), "loupe-e2e-dialects-"));
}

describe("loupe dialects and the profile and prompt-pack flags (real CLI, real HTTP)", () => {
  it("lists every profile with its values, and shows one dialect's default pack as YAML", async () => {
    const listing = await runCli(["dialects"]);
    expect(listing.code, listing.stderr).toBe(0);
    for (const profile of registeredProfiles()) expect(listing.stdout).toContain(profile.name);
    expect(listing.stdout).toContain('dialectOptions.toolCallLimits = {"image_search":1,"text_search":2}');
    const one = await runCli(["dialects", "deepeyes"]);
    expect(one.stdout).toMatch(
      /Default prompt pack[\s\S]*user: [\s\S]*\{\{images\}\}Question: \{\{question\}\}/,
    );
    const unknown = await runCli(["dialects", "deepeyes-v9"]);
    expect(unknown.code).toBe(exitCodes.config);
    expect(unknown.stderr).toContain('No dialect or profile named "deepeyes-v9"');
  });

  it("--profile and --prompt-pack reach the model server: the view size and the pack's texts", async () => {
    const model = await startModelServer([{ content: "<think>Clear.</think><answer>red</answer>" }]);
    servers.push(model);
    const dir = await tempDir();
    const image = join(dir, "wide.png");
    await sharp({ create: { width: 3000, height: 1000, channels: 3, background: "#c02020" } })
      .png()
      .toFile(image);
    const pack = join(dir, "pack.yaml");
    await writeFile(
      pack,
      'dialect: deepeyes\nsystem: "PACK SYSTEM"\nuser: "PACK BEFORE {{images}} PACK AFTER {{question}}"\n',
    );
    const result = await runCli([
      "ask",
      "-i",
      image,
      "--base-url",
      model.baseUrl,
      "--model",
      "m",
      "--profile",
      "deepeyes-rl",
      "--prompt-pack",
      pack,
      "--out",
      join(dir, "run"),
      "What colour is it?",
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.trim()).toBe("red");
    const body = model.requests[0]!.body;
    expect(body.temperature).toBe(1);
    expect(body.messages[0]).toEqual({ role: "system", content: "PACK SYSTEM" });
    expect(
      body.messages[1].content.map((part: { type: string; text?: string }) => part.text ?? part.type),
    ).toEqual(["PACK BEFORE ", "image_url", " PACK AFTER What colour is it?"]);
    // Qwen2.5-VL's smart_resize at up to 16384x28x28 px keeps 3000x1000 at 2996x1008.
    const [sent] = lastRequestImages(body);
    expect(await sharp(sent!).metadata()).toMatchObject({ width: 2996, height: 1008 });
  });
});
