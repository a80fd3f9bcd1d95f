import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { configuredStore, loadConfig } from "./load-config.js";

const noDiscovery = async () => undefined;

describe("loadConfig", () => {
  it("layers file < env < flags", async () => {
    const dir = await mkdtemp(join(tmpdir(), "loupe-config-"));
    const file = join(dir, "loupe.config.json");
    await writeFile(
      file,
      JSON.stringify({
        model: { baseUrl: "http://file/v1", name: "file-model", temperature: 0.5 },
        budgets: { maxSteps: 4 },
      }),
    );
    const config = await loadConfig(
      {
        config: file,
        model: "flag-model",
        maxToolCalls: "7",
        extraBody: '{"top_k": 20}',
        tools: "crop, rotate",
      },
      { LOUPE_BASE_URL: "http://env/v1", LOUPE_MODEL: "env-model" },
      { discover: noDiscovery },
    );
    expect(config.model.baseUrl).toBe("http://env/v1");
    expect(config.model.name).toBe("flag-model");
    expect(config.model.temperature).toBe(0.5);
    expect(config.model.extraBody).toEqual({ top_k: 20 });
    expect(config.budgets.maxSteps).toBe(4);
    expect(config.budgets.maxToolCalls).toBe(7);
    expect(config.tools).toEqual(["crop", "rotate"]);
    expect(config.dialect).toBe("native");
  });

  it("refuses unknown keys in the config file, naming them", async () => {
    const dir = await mkdtemp(join(tmpdir(), "loupe-config-"));
    const file = join(dir, "loupe.config.json");
    await writeFile(
      file,
      JSON.stringify({ model: { baseUrl: "http://x/v1", name: "m" }, budgets: { max_steps: 2 }, budget: {} }),
    );
    const error = await loadConfig({ config: file }, {}, { discover: noDiscovery }).catch((thrown) => thrown);
    expect(String(error)).toMatch(/budgets: Unrecognized key.*max_steps/);
    expect(String(error)).toMatch(/budget/);
  });

  it("refuses a misconfigured image host before the run starts", async () => {
    const dir = await mkdtemp(join(tmpdir(), "loupe-config-"));
    const file = join(dir, "loupe.config.json");
    await writeFile(
      file,
      JSON.stringify({ model: { baseUrl: "http://x/v1", name: "m" }, search: { imageHost: { kind: "s3" } } }),
    );
    await expect(loadConfig({ config: file }, {}, { discover: noDiscovery })).rejects.toThrow(/imageHost/);
  });

  it("uses a discovered local server when nothing is configured", async () => {
    const config = await loadConfig(
      {},
      {},
      {
        discover: async () => ({
          server: "vllm",
          baseUrl: "http://127.0.0.1:8000/v1",
          model: "Qwen/Qwen2.5-VL-7B-Instruct",
        }),
      },
    );
    expect(config.model.name).toBe("Qwen/Qwen2.5-VL-7B-Instruct");
  });

  it("explains how to configure a model when none is found", async () => {
    await expect(loadConfig({}, {}, { discover: noDiscovery })).rejects.toThrow(/vllm serve/i);
  });

  it("names the bad field", async () => {
    await expect(
      loadConfig({ baseUrl: "http://x/v1", model: "m", temperature: "9" }, {}, { discover: noDiscovery }),
    ).rejects.toThrow(/^--temperature: must be at most 2, got 9\.$/);
    await expect(loadConfig({ baseUrl: "http://x/v1", model: "m", dialect: "klingon" }, {})).rejects.toThrow(
      /unknown dialect "klingon"/,
    );
    await expect(loadConfig({ baseUrl: "http://x/v1", model: "m", maxSteps: "many" }, {})).rejects.toThrow(
      /--max-steps: expected a number/,
    );
    await expect(loadConfig({ baseUrl: "http://x/v1", model: "m", timeLimit: "0" }, {})).rejects.toThrow(
      /^--time-limit: must be at least 0.001 seconds, got 0\.$/,
    );
    await expect(loadConfig({ baseUrl: "http://x/v1", model: "m", maxCost: "0" }, {})).rejects.toThrow(
      /^--max-cost: must be above 0, got 0\.$/,
    );
  });

  it("takes the run's cost budget in US dollars from --max-cost", async () => {
    const config = await loadConfig(
      { baseUrl: "http://x/v1", model: "m", maxCost: "0.25" },
      {},
      { discover: noDiscovery },
    );
    expect(config.budgets.maxCostUsd).toBe(0.25);
  });

  it("ends a one-line config error with one full stop", async () => {
    const file = await configFile({ model: { baseUrl: "http://x/v1", name: "m" }, dialect: "klingon" });
    const error = await loadConfig({ config: file }, {}, { discover: noDiscovery }).catch((caught) => caught);
    expect(error.message).toMatch(
      /^Invalid configuration: dialect: unknown dialect "klingon"\. Registered dialects: .*artist\.$/,
    );
  });

  it("reads a config file saved with a UTF-8 byte order mark", async () => {
    const file = await configFile({ model: { baseUrl: "http://x/v1", name: "bom-model" } }, "\uFEFF");
    const config = await loadConfig({ config: file }, {}, { discover: noDiscovery });
    expect(config.model.name).toBe("bom-model");
  });

  it("refuses a base URL that is not http(s), naming the key", async () => {
    const file = await configFile({ model: { baseUrl: "ftp://example.test/v1", name: "m" } });
    await expect(loadConfig({ config: file }, {}, { discover: noDiscovery })).rejects.toThrow(
      /^Invalid configuration: model\.baseUrl: must be an http:\/\/ or https:\/\/ URL, got a ftp:\/\/ URL\.$/,
    );
  });

  it("refuses an API key with a line break, naming where it came from and never the key", async () => {
    const secret = "sk-secret-value";
    const error = await loadConfig(
      { baseUrl: "http://x/v1", model: "m" },
      { LOUPE_API_KEY: `${secret}\n` },
      { discover: noDiscovery },
    ).catch((thrown) => thrown);
    expect(error.code).toBe("config");
    expect(error.message).toMatch(/^Invalid configuration: model\.apiKey \(LOUPE_API_KEY\): .*line break/);
    expect(error.message).not.toContain(secret);
  });

  it("refuses a junk SEARXNG_URL as a config error naming the variable", async () => {
    const error = await loadConfig(
      { baseUrl: "http://x/v1", model: "m" },
      { SEARXNG_URL: "junk" },
      { discover: noDiscovery },
    ).catch((thrown) => thrown);
    expect(error.code).toBe("config");
    expect(error.message).toBe('SEARXNG_URL: must be an http:// or https:// URL, got "junk".');
  });

  it("refuses timers Node cannot hold and fractional counts, naming the key", async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [
        { model: { timeoutMs: 3_000_000_000 } },
        /model\.timeoutMs: must be at most 2147483647 ms \(about 24\.8 days\), got 3000000000/,
      ],
      [{ budgets: { maxWallMs: 3_000_000_000 } }, /budgets\.maxWallMs: must be at most 2147483647 ms/],
      [
        { sandbox: { limits: { processes: 0.5 } } },
        /sandbox\.limits\.processes: must be a whole number, got 0\.5/,
      ],
      [
        { sandbox: { limits: { wallSecondsPerCall: 1e7 } } },
        /sandbox\.limits\.wallSecondsPerCall: must be at most 2147483\.647 seconds/,
      ],
      [{ search: { cache: { ttlSeconds: 1.5 } } }, /search\.cache\.ttlSeconds: must be a whole number/],
      [
        { search: { providers: { serper: { requestsPerSecond: 0 } } } },
        /requestsPerSecond: must be at least 0\.001/,
      ],
      [{ images: { maxInputBytes: 2 ** 40 } }, /images\.maxInputBytes: must be at most 2147483647 bytes/],
      [{ images: { modelView: { minPixels: 10_000_000 } } }, /images\.modelView\.minPixels: must be at most/],
    ];
    for (const [fields, expected] of cases) {
      const file = await configFile({
        ...fields,
        model: { baseUrl: "http://x/v1", name: "m", ...(fields.model as object) },
      });
      await expect(loadConfig({ config: file }, {}, { discover: noDiscovery })).rejects.toThrow(expected);
    }
  });

  it("validates numeric flags as the fields they set, naming the flag", async () => {
    const base = { baseUrl: "http://x/v1", model: "m" };
    await expect(loadConfig({ ...base, timeLimit: "1e12" }, {})).rejects.toThrow(
      /^--time-limit: must be at most 2147483\.647 seconds \(about 24\.8 days\), got 1000000000000\.$/,
    );
    await expect(loadConfig({ ...base, maxSteps: "2.5" }, {})).rejects.toThrow(
      /^--max-steps: must be a whole number, got 2\.5\.$/,
    );
    await expect(loadConfig({ ...base, maxSteps: "" }, {})).rejects.toThrow(/--max-steps: expected a number/);
    const config = await loadConfig({ ...base, timeLimit: "2147483.647" }, {});
    expect(config.budgets.maxWallMs).toBe(2 ** 31 - 1);
  });

  it("refuses Loupe's home and configured folders on kernel file systems", async () => {
    const base = { baseUrl: "http://x/v1", model: "m" };
    await expect(loadConfig(base, { LOUPE_HOME: "/proc/loupe" })).rejects.toThrow(
      /^LOUPE_HOME: \/proc\/loupe is under \/proc, a kernel file system/,
    );
    const file = await configFile({
      model: { baseUrl: "http://x/v1", name: "m" },
      search: { cache: { path: "/sys/x.sqlite" } },
    });
    await expect(loadConfig({ config: file }, {})).rejects.toThrow(
      /search\.cache\.path: \/sys\/x\.sqlite is under \/sys/,
    );
  });

  it("refuses a config file that is a folder or a device, without reading it", async () => {
    await expect(loadConfig({ config: tmpdir() }, {})).rejects.toThrow(/it is a folder, not a file/);
    await expect(loadConfig({ config: "/dev/zero" }, {})).rejects.toThrow(/not a regular file/);
  });
});

async function configFile(content: unknown, prefix = ""): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "loupe-config-"));
  const file = join(dir, "loupe.config.json");
  await writeFile(file, prefix + JSON.stringify(content));
  return file;
}

describe("the store setting", () => {
  it("layers the config file < LOUPE_STORE < --store, in loadConfig and without a model", async () => {
    const dir = await mkdtemp(join(tmpdir(), "loupe-config-"));
    const file = join(dir, "loupe.config.json");
    await writeFile(
      file,
      JSON.stringify({ model: { baseUrl: "http://file/v1", name: "m" }, store: "/file.db" }),
    );
    const env = { LOUPE_STORE: "postgres://env/loupe" };
    expect(await configuredStore({ config: file }, {})).toBe("/file.db");
    expect(await configuredStore({ config: file }, env)).toBe("postgres://env/loupe");
    expect(await configuredStore({ config: file, store: "none" }, env)).toBe("none");
    expect(await configuredStore({}, {})).toBeUndefined();
    expect((await loadConfig({ config: file }, {}, { discover: noDiscovery })).store).toBe("/file.db");
    expect((await loadConfig({ config: file }, env, { discover: noDiscovery })).store).toBe(
      "postgres://env/loupe",
    );
    expect((await loadConfig({ config: file, store: "none" }, env, { discover: noDiscovery })).store).toBe(
      "none",
    );
  });
});
