import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { searchConfigSchema } from "../core/search-config.js";
import type { SearchBackend } from "./backend.js";
import { registeredSearchBackendNames, registerSearchBackend } from "./backend-registry.js";
import { createSearchServices } from "./search-services.js";

const folder = mkdtempSync(join(tmpdir(), "loupe-backend-registry-"));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const config = (input: object) =>
  searchConfigSchema.parse({
    cache: { enabled: false },
    localIndex: { path: join(folder, "index.sqlite") },
    ...input,
  });

describe("search backend registry", () => {
  it("lists the built-in backends from the registry itself", () => {
    expect(registeredSearchBackendNames()).toEqual([
      "local",
      "direct",
      "serper",
      "brave",
      "tavily",
      "jina",
      "searxng",
      "serpapi",
    ]);
  });

  it("refuses an unknown backend when the services are made, naming the field and the registered names", () => {
    expect(() => createSearchServices(config({ backends: { text: ["google"] } }))).toThrow(
      /^search\.backends\.text: unknown search backend "google"\. Registered search backends: local, direct, serper/,
    );
    expect(() => createSearchServices(config({ providers: { gogle: {} } }))).toThrow(
      /^search\.providers: unknown search backend "gogle"/,
    );
  });

  it("runs a registered backend with its settings, behind the services' fallback chain", async () => {
    const seen: unknown[] = [];
    registerSearchBackend("shelf", ({ settings, name }): SearchBackend => {
      seen.push({ name, rate: settings.requestsPerSecond });
      return {
        name,
        searchText: async (query, options) => [
          { title: `Shelf: ${query}`, url: "https://shelf.example/", snippet: `limit ${options.limit}` },
        ],
      };
    });
    expect(() => registerSearchBackend("shelf", () => ({ name: "shelf" }))).toThrow(/already registered/);
    expect(() => registerSearchBackend("local", () => ({ name: "local" }))).toThrow(/cannot be replaced/);
    const services = createSearchServices(
      config({ backends: { text: ["shelf"] }, providers: { shelf: { requestsPerSecond: 50 } } }),
    );
    try {
      const outcome = await services.searchText("lighthouse", { limit: 3 });
      expect(outcome.value).toEqual([
        { title: "Shelf: lighthouse", url: "https://shelf.example/", snippet: "limit 3" },
      ]);
      expect(seen).toEqual([{ name: "shelf", rate: 50 }]);
    } finally {
      services.close();
    }
  });
});
