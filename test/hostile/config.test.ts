import { mkdir, mkdtemp, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect } from "vitest";
import { exitCodes } from "../../src/apps/cli/exit-codes.js";
import { type ModelServer, startModelServer } from "../support/model-server.js";
import { expectRefusal, runTimedCli } from "./cli-refusal.js";
import { hostileCase } from "./hostile-case.js";

/** A refusal comes before any work: the CLI's start-up (a few seconds through tsx) and a check. */
const refusedWithinMs = 15_000;

/**
 * Hostile and broken configuration: config files, environment variables, flags and the folders
 * Loupe writes to. Each must be refused before any work is done, in one line that names the key,
 * the flag or the path, with the config exit code and no stack trace.
 */
describe("hostile configuration", () => {
  let model: ModelServer;
  let folder: string;
  let image: string;

  beforeAll(async () => {
    model = await startModelServer(() => ({ content: "An answer." }));
    folder = await mkdtemp(join(tmpdir(), "loupe-hostile-config-"));
    image = join(folder, "input.png");
    await sharp({ create: { width: 32, height: 24, channels: 3, background: "#336699" } })
      .png()
      .toFile(image);
  });

  afterAll(async () => {
    await model.close();
  });

  /** `loupe ask` on the test image against the test model, with extra arguments. */
  function ask(extra: string[], env: Record<string, string> = {}) {
    return runTimedCli(
      ["ask", "-i", image, "--base-url", model.baseUrl, "--model", "m", "--quiet", ...extra, "What is it?"],
      { env: { LOUPE_HOME: join(folder, "home"), ...env }, timeoutMs: 20_000 },
    );
  }

  async function configFile(content: string): Promise<string> {
    const file = join(await mkdtemp(join(folder, "config-")), "loupe.config.json");
    await writeFile(file, content);
    return file;
  }

  async function askedNothing<T>(run: () => Promise<T>): Promise<T> {
    const before = model.requests.length;
    const result = await run();
    expect(model.requests.length, "the model was asked nothing").toBe(before);
    return result;
  }

  hostileCase(
    "--out naming an existing file is refused before the run, naming the path",
    20_000,
    async () => {
      const file = join(folder, "not-a-folder");
      await writeFile(file, "x");
      const result = await askedNothing(() => ask(["--out", file]));
      expectRefusal(
        result,
        /^loupe: Cannot use .*not-a-folder as the trajectory folder: it is a file, not a folder\.$/,
        refusedWithinMs,
      );
    },
  );

  hostileCase("a junk SEARXNG_URL is one line naming the variable, not a ZodError", 20_000, async () => {
    const result = await askedNothing(() => ask(["--out", join(folder, "searxng")], { SEARXNG_URL: "junk" }));
    expectRefusal(
      result,
      /^loupe: SEARXNG_URL: must be an http:\/\/ or https:\/\/ URL, got "junk"\.$/,
      refusedWithinMs,
    );
  });

  hostileCase("model.timeoutMs past Node's timer limit is refused, naming the key", 20_000, async () => {
    const file = await configFile(JSON.stringify({ model: { timeoutMs: 3_000_000_000 } }));
    const result = await askedNothing(() => ask(["--config", file]));
    expectRefusal(
      result,
      /^loupe: Invalid configuration: model\.timeoutMs: must be at most 2147483647 ms \(about 24\.8 days\), got 3000000000\.$/,
      refusedWithinMs,
    );
  });

  hostileCase("budgets.maxWallMs past Node's timer limit is refused, naming the key", 20_000, async () => {
    const file = await configFile(JSON.stringify({ budgets: { maxWallMs: 3_000_000_000 } }));
    const result = await askedNothing(() => ask(["--config", file]));
    expectRefusal(
      result,
      /^loupe: Invalid configuration: budgets\.maxWallMs: must be at most 2147483647 ms/,
      refusedWithinMs,
    );
  });

  hostileCase("--time-limit 1e12 is refused, naming the flag", 20_000, async () => {
    const result = await askedNothing(() => ask(["--time-limit", "1e12"]));
    expectRefusal(
      result,
      /^loupe: --time-limit: must be at most 2147483\.647 seconds \(about 24\.8 days\)/,
      refusedWithinMs,
    );
  });

  hostileCase("counts given as fractions or out of range are refused, naming the flag", 45_000, async () => {
    const flags: [string[], RegExp][] = [
      [["--max-steps", "2.5"], /^loupe: --max-steps: must be a whole number, got 2\.5\.$/],
      [["--temperature", "7"], /^loupe: --temperature: must be at most 2, got 7\.$/],
      [["--max-tool-calls", "0"], /^loupe: --max-tool-calls: must be at least 1, got 0\.$/],
    ];
    for (const [extra, line] of flags)
      expectRefusal(await askedNothing(() => ask(extra)), line, refusedWithinMs);
  });

  hostileCase("sandbox.limits.processes: 0.5 is refused, naming the key", 20_000, async () => {
    const file = await configFile(JSON.stringify({ sandbox: { limits: { processes: 0.5 } } }));
    const result = await askedNothing(() => ask(["--config", file]));
    expectRefusal(
      result,
      /^loupe: Invalid configuration: sandbox\.limits\.processes: must be a whole number, got 0\.5\.$/,
      refusedWithinMs,
    );
  });

  hostileCase("--out under /proc is refused at once instead of spinning forever", 20_000, async () => {
    const result = await askedNothing(() => ask(["--out", "/proc/loupe-run"]));
    expectRefusal(
      result,
      /^loupe: Cannot use \/proc\/loupe-run as the trajectory folder: .* is under \/proc, a kernel file system/,
      refusedWithinMs,
    );
  });

  hostileCase("--out through a symbolic link into /proc is refused too", 20_000, async () => {
    const link = join(folder, "to-proc");
    await symlink("/proc", link);
    const result = await askedNothing(() => ask(["--out", join(link, "run")]));
    expectRefusal(
      result,
      /^loupe: Cannot use .*to-proc\/run as the trajectory folder: .* leads to \/proc/,
      refusedWithinMs,
    );
  });

  hostileCase("LOUPE_HOME under /proc is refused, naming the variable", 35_000, async () => {
    const result = await askedNothing(() =>
      ask(["--out", join(folder, "home-proc")], { LOUPE_HOME: "/proc/loupe" }),
    );
    expectRefusal(
      result,
      /^loupe: LOUPE_HOME: \/proc\/loupe is under \/proc, a kernel file system/,
      refusedWithinMs,
    );
    const index = await runTimedCli(["index", "stats"], {
      env: { LOUPE_HOME: "/sys/loupe" },
      timeoutMs: 20_000,
    });
    expectRefusal(index, /^loupe: LOUPE_HOME: \/sys\/loupe is under \/sys/, refusedWithinMs);
  });

  hostileCase("a search cache path under /proc is refused, naming the key", 20_000, async () => {
    const file = await configFile(JSON.stringify({ search: { cache: { path: "/proc/self/cache.sqlite" } } }));
    const result = await askedNothing(() => ask(["--config", file]));
    expectRefusal(
      result,
      /^loupe: Invalid configuration: search\.cache\.path: \/proc\/self\/cache\.sqlite is under \/proc/,
      refusedWithinMs,
    );
  });

  hostileCase("a config file with a UTF-8 byte order mark is read", 20_000, async () => {
    const file = await configFile(`\uFEFF${JSON.stringify({ budgets: { maxSteps: 3 } })}`);
    const result = await ask(["--config", file, "--out", join(folder, "bom")]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(exitCodes.answer);
    expect(result.stdout.trim()).toBe("An answer.");
  });

  hostileCase("an ftp:// base URL is refused at config time instead of retried", 20_000, async () => {
    const file = await configFile(JSON.stringify({ model: { baseUrl: "ftp://127.0.0.1/v1", name: "m" } }));
    const result = await runTimedCli(["ask", "-i", image, "--config", file, "--quiet", "What is it?"], {
      env: { LOUPE_HOME: join(folder, "home") },
    });
    expectRefusal(
      result,
      /^loupe: Invalid configuration: model\.baseUrl: must be an http:\/\/ or https:\/\/ URL, got a ftp:\/\/ URL\.$/,
      refusedWithinMs,
    );
  });

  hostileCase(
    "an API key with a line break is refused, naming its source and not printing it",
    20_000,
    async () => {
      const secret = "sk-hostile-secret-1234";
      const result = await askedNothing(() => ask([], { LOUPE_API_KEY: `${secret}\n` }));
      expectRefusal(
        result,
        /^loupe: Invalid configuration: model\.apiKey \(LOUPE_API_KEY\): .*line break/,
        refusedWithinMs,
      );
      expect(result.stderr).not.toContain(secret);
    },
  );

  hostileCase(
    "a config file that is a folder or a device is refused without reading it",
    35_000,
    async () => {
      const dir = join(folder, "config-dir");
      await mkdir(dir, { recursive: true });
      expectRefusal(
        await askedNothing(() => ask(["--config", dir])),
        /^loupe: Cannot read config file .*: it is a folder/,
        refusedWithinMs,
      );
      expectRefusal(
        await askedNothing(() => ask(["--config", "/dev/zero"])),
        /^loupe: Cannot read config file \/dev\/zero: it is not a regular file\.$/,
        refusedWithinMs,
      );
    },
  );
});
