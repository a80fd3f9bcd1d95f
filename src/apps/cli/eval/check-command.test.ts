import { createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../../../test/support/run-cli.js";

let folder: string;
let image: string;

/** A VLMEvalKit TSV of `rows` items, each with its own base64 image. */
async function writeTsv(path: string, rows: number): Promise<void> {
  const out = createWriteStream(path);
  out.write("index\timage\tquestion\tA\tB\tanswer\tcategory\n");
  for (let index = 0; index < rows; index += 1) {
    const line = `${index}\t${image}\tQuestion ${index}?\tyes\tno\t${index % 2 ? "A" : "B"}\t${index % 3 ? "direct_attributes" : "relative_position"}\n`;
    if (!out.write(line)) await new Promise<void>((resolve) => out.once("drain", () => resolve()));
  }
  await new Promise<void>((resolve, reject) =>
    out.end((error?: Error | null) => (error ? reject(error) : resolve())),
  );
}

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), "loupe-eval-check-"));
  const noise = await sharp({
    create: {
      width: 48,
      height: 48,
      channels: 3,
      background: "#777",
      noise: { type: "gaussian", mean: 128, sigma: 50 },
    },
  })
    .jpeg()
    .toBuffer();
  image = noise.toString("base64");
});

afterAll(() => {
  if (folder) rmSync(folder, { recursive: true, force: true });
});

describe("loupe eval check", () => {
  it("streams a 10,000-item TSV: peak memory stays within 1.2x of a 1,000-item file's", async () => {
    const small = join(folder, "small.tsv");
    const large = join(folder, "large.tsv");
    await writeTsv(small, 1_000);
    await writeTsv(large, 10_000);
    const peak = async (file: string, name: string) => {
      const memoryFile = join(folder, `${name}.peak`);
      const result = await runCli(["eval", "check", "vstar", "--data", file, "--json"], {
        peakMemoryFile: memoryFile,
        timeoutMs: 120_000,
      });
      expect(result.code, result.stderr).toBe(0);
      return { summary: JSON.parse(result.stdout), bytes: Number(readFileSync(memoryFile, "utf8")) };
    };
    const one = await peak(small, "small");
    const ten = await peak(large, "large");
    expect(one.summary).toMatchObject({ items: 1_000, multipleChoice: 1_000, images: { bytes: 1_000 } });
    expect(ten.summary).toMatchObject({
      items: 10_000,
      byCategory: { relative_position: 3_334, direct_attributes: 6_666 },
    });
    console.log(
      `eval check peak RSS: 1,000 items ${(one.bytes / 2 ** 20).toFixed(0)} MiB, 10,000 items ${(ten.bytes / 2 ** 20).toFixed(0)} MiB`,
    );
    expect(ten.bytes / one.bytes).toBeLessThan(1.2);
    expect(ten.bytes).toBeLessThan(2 ** 30);
  }, 240_000);

  it("stops at the first bad row with its place, exit code 2", async () => {
    const file = join(folder, "bad.tsv");
    writeFileSync(
      file,
      `index\timage\tquestion\tA\tB\tanswer\n0\t${image}\tQ?\ta\tb\tA\n1\tQUJD${image.slice(4, 200)}\tQ?\ta\tb\tA\n`,
    );
    const result = await runCli(["eval", "check", "vstar", "--data", file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/bad\.tsv, row 2, field "image": 150 bytes that are not an image/);
  });
});
