import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { indexCommand } from "./index-command.js";

async function run(args: string[]): Promise<{ stdout: string; stderr: string }> {
  const captured = { stdout: "", stderr: "" };
  const command = indexCommand({
    stdout: (text) => {
      captured.stdout += text;
    },
    stderr: (text) => {
      captured.stderr += text;
    },
  });
  command.exitOverride();
  await command.parseAsync(args, { from: "user" });
  return captured;
}

describe("loupe index", () => {
  let folder: string;
  let indexPath: string;
  let picture: Buffer;

  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), "loupe-index-command-"));
    indexPath = join(folder, "index.sqlite");
    await mkdir(join(folder, "corpus"));
    await writeFile(
      join(folder, "corpus", "lighthouse.md"),
      "# Lighthouse keepers\n\nThe keeper trimmed the lamp wick nightly.\n",
    );
    // Stripes and a circle: a picture with structure, so its hash is not degenerate.
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="200" height="150"><rect width="200" height="150" fill="#2a6"/>
      <rect x="0" y="0" width="60" height="150" fill="#c33"/><circle cx="130" cy="70" r="40" fill="#fd3"/></svg>`;
    picture = await sharp(Buffer.from(svg)).png().toBuffer();
    await writeFile(join(folder, "corpus", "poster.png"), picture);
  });

  afterAll(() => {
    if (folder) rmSync(folder, { recursive: true, force: true });
  });

  it("adds a folder and prints a summary line", async () => {
    const { stdout } = await run(["add", join(folder, "corpus"), "--index", indexPath]);
    expect(stdout).toMatch(/^1 documents, 1 images, 0 skipped, 0 failed in [\d.]+ s \([\d.]+ docs\/s\)\n$/);
    const again = await run(["add", join(folder, "corpus"), "--index", indexPath, "--json"]);
    expect(JSON.parse(again.stdout)).toMatchObject({ documents: 0, images: 0, skipped: 2 });
  });

  it("searches by text", async () => {
    const { stdout } = await run(["search", "lamp", "keeper", "--index", indexPath, "--json"]);
    const hits = JSON.parse(stdout) as { url: string }[];
    expect(hits[0]?.url).toBe(pathToFileURL(join(folder, "corpus", "lighthouse.md")).href);
    const plain = await run(["search", "lamp", "--index", indexPath]);
    expect(plain.stdout).toContain("Lighthouse keepers");
  });

  it("searches by image", async () => {
    const query = join(folder, "query.jpg");
    await writeFile(query, await sharp(picture).resize(100).jpeg({ quality: 40 }).toBuffer());
    const { stdout } = await run(["search", "--image", query, "--index", indexPath, "--json"]);
    expect((JSON.parse(stdout) as { source: string }[])[0]?.source).toBe(
      pathToFileURL(join(folder, "corpus", "poster.png")).href,
    );
  });

  it("prints stats", async () => {
    const { stdout } = await run(["stats", "--index", indexPath, "--json"]);
    expect(JSON.parse(stdout)).toMatchObject({ path: indexPath, documents: 1, images: 1 });
  });

  it("says why a query image cannot be read, without creating an index", async () => {
    const freshIndex = join(folder, "never-created.sqlite");
    await expect(
      run(["search", "--image", join(folder, "missing.jpg"), "--index", freshIndex]),
    ).rejects.toThrow(/cannot read .*missing\.jpg: ENOENT/);
    expect(existsSync(freshIndex)).toBe(false);
  });

  it("refuses a search with neither words nor an image", async () => {
    await expect(run(["search", "--index", indexPath])).rejects.toThrow(/words to search for, or --image/);
  });
});
