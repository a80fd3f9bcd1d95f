import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "./load-config.js";

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
    ).rejects.toThrow(/model\.temperature/);
    await expect(loadConfig({ baseUrl: "http://x/v1", model: "m", dialect: "klingon" }, {})).rejects.toThrow(
      /unknown dialect "klingon"/,
    );
    await expect(loadConfig({ baseUrl: "http://x/v1", model: "m", maxSteps: "many" }, {})).rejects.toThrow(
      /--max-steps: expected a number/,
    );
    await expect(loadConfig({ baseUrl: "http://x/v1", model: "m", timeLimit: "0" }, {})).rejects.toThrow(
      /--time-limit: expected a positive number of seconds/,
    );
  });
});
