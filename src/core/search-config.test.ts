import { describe, expect, it } from "vitest";
import { formatConfigIssues } from "./config.js";
import { mergeSearchEnvironment, searchConfigSchema } from "./search-config.js";

describe("searchConfigSchema", () => {
  it("defaults to the offline local index and safe page reading", () => {
    const config = searchConfigSchema.parse({});
    expect(config.backends).toEqual({ text: ["local"], image: ["local"], page: ["local", "direct"] });
    expect(config.webVisit.allowPrivateAddresses).toBe(false);
    expect(config.imageHost.kind).toBe("none");
    expect(config.providers.serper.requestsPerSecond).toBe(2);
  });

  it("bounds parsing of pages and PDFs by default, and refuses limits out of range by name", () => {
    const { webVisit } = searchConfigSchema.parse({});
    expect(webVisit).toMatchObject({
      maxDomDepth: 256,
      maxPdfPages: 50,
      maxInflatedBytes: 64 * 1024 * 1024,
      maxTextChars: 2_000_000,
      parseTimeoutMs: 15_000,
      parseMemoryMb: 512,
    });
    for (const [key, value] of [
      ["maxDomDepth", 0],
      ["maxPdfPages", 1.5],
      ["maxInflatedBytes", 1024],
      ["parseTimeoutMs", 10_000_000],
      ["parseMemoryMb", 16],
    ] as const) {
      const result = searchConfigSchema.safeParse({ webVisit: { [key]: value } });
      expect(result.success, key).toBe(false);
      if (!result.success)
        expect(formatConfigIssues(result.error)).toMatch(new RegExp(`^webVisit\\.${key}: `));
    }
  });

  it("names the bad field", () => {
    const result = searchConfigSchema.safeParse({ backends: { text: [""] } });
    expect(result.success).toBe(false);
    if (!result.success) expect(formatConfigIssues(result.error)).toMatch(/^backends\.text\.0: /);
  });

  it("leaves backend names to the backend registry, so a registered backend can be named", () => {
    // search/backend-registry.test.ts checks the names against the registry.
    expect(searchConfigSchema.parse({ backends: { text: ["my-backend"] } }).backends.text).toEqual([
      "my-backend",
    ]);
  });
});

describe("mergeSearchEnvironment", () => {
  it("fills keys and the SearXNG URL from the environment without overriding the config", () => {
    const config = mergeSearchEnvironment(
      { providers: { brave: { apiKey: "from-config" } } },
      { SERPER_API_KEY: "serper-env", BRAVE_API_KEY: "brave-env", SEARXNG_URL: "http://127.0.0.1:8888" },
    );
    expect(config.providers.serper.apiKey).toBe("serper-env");
    expect(config.providers.brave.apiKey).toBe("from-config");
    expect(config.providers.searxng.baseUrl).toBe("http://127.0.0.1:8888");
    expect(config.providers.tavily.apiKey).toBeUndefined();
  });

  it("checks keys and the SearXNG URL from the environment, naming the variable", () => {
    expect(() => mergeSearchEnvironment({}, { SEARXNG_URL: "junk" })).toThrow(
      'SEARXNG_URL: must be an http:// or https:// URL, got "junk".',
    );
    expect(() => mergeSearchEnvironment({}, { SERPER_API_KEY: "key\n" })).toThrow(
      /^SERPER_API_KEY: must be printable ASCII: it contains a line break \(the value is not shown\)\.$/,
    );
  });
});
