import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stripVTControlCharacters } from "node:util";
import sharp from "sharp";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type DatasetHub, startDatasetHub } from "../../../../test/support/dataset-hub-server.js";
import { runCli } from "../../../../test/support/run-cli.js";
import { loadBenchmark } from "../../../eval/benchmarks.js";
import { evalCommand } from "./eval-command.js";

async function run(args: string[]): Promise<{ stdout: string; stderr: string }> {
  const captured = { stdout: "", stderr: "" };
  const command = evalCommand({
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

let root: string;
let hub: DatasetHub;
let vstarTsv: Buffer;
let fvqaParquet: Buffer;
let folderCount = 0;

function freshFolder(): string {
  folderCount += 1;
  return join(root, `bench-${folderCount}`);
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "loupe-eval-fetch-"));
  // Noise keeps the JPEG large (tens of kB), so a connection can be cut in the middle of it.
  const noise = await sharp({
    create: {
      width: 160,
      height: 160,
      channels: 3,
      background: "#888",
      noise: { type: "gaussian", mean: 128, sigma: 60 },
    },
  })
    .jpeg({ quality: 95 })
    .toBuffer();
  vstarTsv = Buffer.from(
    `index\timage\tquestion\tA\tB\tanswer\tcategory\n0\t${noise.toString("base64")}\tWhat colour is the cup?\tred\tblue\tA\tdirect_attributes\n`,
  );
  fvqaParquet = Buffer.from("PAR1 small file served without LFS PAR1");
  hub = await startDatasetHub({
    "xjtupanda/VStar_Bench/VStarBench.tsv": { content: vstarTsv, lfs: true },
    "lmms-lab/FVQA/fvqa_test.parquet": { content: fvqaParquet, lfs: false },
    "DreamMr/HR-Bench/hr_bench_4k.tsv": { content: vstarTsv, lfs: true, announce: "0".repeat(64) },
  });
});

afterEach(() => {
  hub.cutNext(0, 0);
  hub.ignoreRanges = false;
  hub.requests.length = 0;
});

afterAll(async () => {
  await hub?.close();
  if (root) rmSync(root, { recursive: true, force: true });
});

describe("loupe eval fetch", () => {
  it("downloads an LFS file through the hub's redirect, checks it against X-Linked-Etag, and the loader reads it", async () => {
    const dir = freshFolder();
    const { stdout } = await run(["fetch", "vstar", "--dir", dir, "--hub-url", hub.url]);
    const path = join(dir, "VStarBench.tsv");
    expect(readFileSync(path).equals(vstarTsv)).toBe(true);
    expect(stdout).toContain("checked against the hub X-Linked-Etag sha256");
    expect(existsSync(`${path}.part`)).toBe(false);
    const manifest = JSON.parse(readFileSync(join(dir, "loupe-fetch.json"), "utf8"));
    expect(manifest).toMatchObject({
      benchmark: "vstar",
      files: [{ file: "VStarBench.tsv", bytes: vstarTsv.length, verifiedBy: "hub X-Linked-Etag sha256" }],
    });
    const items = [];
    for await (const item of loadBenchmark("vstar", dir)) items.push(item);
    expect(items).toMatchObject([{ id: "0", choices: ["red", "blue"], answer: "A" }]);

    hub.requests.length = 0;
    const again = await run(["fetch", "vstar", "--dir", dir, "--hub-url", hub.url]);
    expect(again.stdout).toContain("already there");
    expect(hub.requests.filter((request) => request.method === "GET")).toEqual([]);
  });

  it("keeps the part of a cut download and resumes it with a Range request on the next run", async () => {
    const dir = freshFolder();
    hub.cutNext(1, 4000);
    await expect(
      run(["fetch", "vstar", "--dir", dir, "--hub-url", hub.url, "--retries", "0"]),
    ).rejects.toMatchObject({
      code: "eval-data",
      message: expect.stringMatching(/stopped at 4000 of \d+ bytes/),
      hint: expect.stringContaining("run the same command again to resume"),
    });
    const part = join(dir, "VStarBench.tsv.part");
    expect(statSync(part).size).toBe(4000);

    hub.requests.length = 0;
    const { stdout } = await run(["fetch", "vstar", "--dir", dir, "--hub-url", hub.url, "--json"]);
    expect(JSON.parse(stdout).files[0]).toMatchObject({
      resumedFrom: 4000,
      bytes: vstarTsv.length,
      verifiedBy: "hub X-Linked-Etag sha256",
    });
    expect(hub.requests.filter((request) => request.range)).toEqual([
      {
        method: "GET",
        path: "/datasets/xjtupanda/VStar_Bench/resolve/main/VStarBench.tsv",
        range: "bytes=4000-",
      },
      { method: "GET", path: "/storage/0", range: "bytes=4000-" },
    ]);
    expect(readFileSync(join(dir, "VStarBench.tsv")).equals(vstarTsv)).toBe(true);
    expect(existsSync(part)).toBe(false);
  });

  it("retries a cut connection by itself, each attempt resuming where the last stopped", async () => {
    const dir = freshFolder();
    hub.cutNext(2, 3000);
    await run(["fetch", "vstar", "--dir", dir, "--hub-url", hub.url]);
    expect(readFileSync(join(dir, "VStarBench.tsv")).equals(vstarTsv)).toBe(true);
    expect(
      hub.requests.filter((request) => request.path.startsWith("/storage")).map((request) => request.range),
    ).toEqual([undefined, "bytes=3000-", "bytes=6000-"]);
  });

  it("starts over when the server answers a range with the whole file", async () => {
    const dir = freshFolder();
    hub.cutNext(1, 2500);
    await expect(
      run(["fetch", "vstar", "--dir", dir, "--hub-url", hub.url, "--retries", "0"]),
    ).rejects.toThrow(/stopped at 2500/);
    hub.ignoreRanges = true;
    await run(["fetch", "vstar", "--dir", dir, "--hub-url", hub.url]);
    expect(readFileSync(join(dir, "VStarBench.tsv")).equals(vstarTsv)).toBe(true);
  });

  it("refuses a file whose checksum does not match, and removes the download", async () => {
    const dir = freshFolder();
    await expect(run(["fetch", "hrbench-4k", "--dir", dir, "--hub-url", hub.url])).rejects.toMatchObject({
      code: "eval-data",
      message: expect.stringMatching(
        /checksum mismatch for .*hr_bench_4k\.tsv: expected hub X-Linked-Etag sha256 0{64}, got [0-9a-f]{64}; the download was removed/,
      ),
    });
    expect(existsSync(join(dir, "hr_bench_4k.tsv"))).toBe(false);
    expect(existsSync(join(dir, "hr_bench_4k.tsv.part"))).toBe(false);
  });

  it("checks a small (non-LFS) file against its git blob ETag", async () => {
    const dir = freshFolder();
    const { stdout } = await run(["fetch", "fvqa", "--dir", dir, "--hub-url", hub.url]);
    expect(stdout).toContain("checked against the hub ETag git blob sha1");
    expect(readFileSync(join(dir, "fvqa_test.parquet")).equals(fvqaParquet)).toBe(true);
  });

  it("names what is missing: a file the hub does not have, a benchmark with nothing on the hub, an unknown name", async () => {
    await expect(
      run(["fetch", "treebench", "--dir", freshFolder(), "--hub-url", hub.url]),
    ).rejects.toMatchObject({
      code: "eval-data",
      message: expect.stringMatching(/TreeBench\.tsv: not on the hub \(404\)/),
    });
    await expect(run(["fetch", "browsecomp-vl", "--hub-url", hub.url])).rejects.toMatchObject({
      code: "config",
      message: expect.stringContaining("github.com/Alibaba-NLP/DeepResearch"),
    });
    await expect(run(["fetch", "no-such-bench"])).rejects.toMatchObject({
      code: "config",
      message: expect.stringContaining("Registered benchmarks: vstar"),
    });
  });

  it("the real CLI fetches into $LOUPE_HOME/benchmarks/<name> from $LOUPE_HUB_URL", async () => {
    const home = join(root, "home");
    const result = await runCli(["eval", "fetch", "vstar"], {
      env: { LOUPE_HOME: home, LOUPE_HUB_URL: hub.url },
    });
    expect(result.code, result.stderr).toBe(0);
    expect(readFileSync(join(home, "benchmarks", "vstar", "VStarBench.tsv")).equals(vstarTsv)).toBe(true);
    const refused = await runCli(["eval", "fetch", "hrbench-4k"], {
      env: { LOUPE_HOME: home, LOUPE_HUB_URL: hub.url },
    });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("checksum mismatch");
  });
});

describe("loupe eval list", () => {
  it("names every benchmark with its formats, categories and source", async () => {
    const { stdout } = await run(["list", "--json"]);
    const listed = JSON.parse(stdout) as { name: string; formats: string[]; hub: string[]; note?: string }[];
    expect(listed.map((entry) => entry.name)).toEqual([
      "vstar",
      "hrbench-4k",
      "hrbench-8k",
      "mme-realworld",
      "mme-realworld-cn",
      "mme-realworld-lite",
      "treebench",
      "mmsearch",
      "mmsearch-171",
      "fvqa",
      "browsecomp-vl",
      "simplevqa",
      "infoseek",
      "livevqa",
      "mmsearch-plus",
      "realx-bench",
      "generic",
    ]);
    expect(listed.find((entry) => entry.name === "vstar")).toMatchObject({
      formats: ["jsonl", "parquet", "tsv"],
      hub: ["xjtupanda/VStar_Bench/VStarBench.tsv"],
    });
    for (const entry of listed)
      expect(entry.hub.length > 0 || entry.note !== undefined, entry.name).toBe(true);
    const plain = await run(["list"]);
    // Bold names when colours are on (vitest may force them): the words are what matter here.
    expect(stripVTControlCharacters(plain.stdout)).toContain("mmsearch-plus  MMSearch-Plus:");
  });
});
