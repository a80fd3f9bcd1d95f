import { mkdtempSync, rmSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalIndex, openLocalIndex } from "./index.js";

/**
 * A tiny OpenAI-compatible embeddings server with deterministic vectors, standing in for a CLIP
 * server: text maps onto four concepts through a synonym table; an image (data URL) maps onto its
 * mean colour, so "crimson" lands next to a red picture.
 */
const CONCEPTS: Record<string, number> = {
  car: 0,
  automobile: 0,
  vehicle: 0,
  red: 1,
  crimson: 1,
  green: 2,
  blue: 3,
  azure: 3,
};

async function vectorFor(input: string): Promise<number[]> {
  const vector = [0, 0, 0, 0, 0.05];
  if (input.startsWith("data:image/")) {
    const bytes = Buffer.from(input.slice(input.indexOf(",") + 1), "base64");
    const { channels } = await sharp(bytes).stats();
    return [0, channels[0]!.mean / 255, channels[1]!.mean / 255, channels[2]!.mean / 255, 0.05];
  }
  for (const word of input.toLowerCase().match(/[a-z]+/g) ?? []) {
    const concept = CONCEPTS[word];
    if (concept !== undefined) vector[concept]! += 1;
  }
  return vector;
}

describe("local index with an embeddings endpoint", () => {
  let server: Server;
  let folder: string;
  let index: LocalIndex;
  const requests: { authorization?: string; model: string; inputs: number }[] = [];

  beforeAll(async () => {
    server = createServer((request, response) => {
      let body = "";
      request.on("data", (chunk) => {
        body += chunk;
      });
      request.on("end", async () => {
        if (request.url !== "/v1/embeddings" || request.method !== "POST") {
          response.writeHead(404).end();
          return;
        }
        const payload = JSON.parse(body) as { model: string; input: string[] };
        requests.push({
          authorization: request.headers.authorization,
          model: payload.model,
          inputs: payload.input.length,
        });
        const data = await Promise.all(
          payload.input.map(async (input, position) => ({
            object: "embedding",
            index: position,
            embedding: await vectorFor(input),
          })),
        );
        response.writeHead(200, { "content-type": "application/json" });
        response.end(
          JSON.stringify({
            object: "list",
            data,
            model: payload.model,
            usage: { prompt_tokens: 1, total_tokens: 1 },
          }),
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;

    folder = mkdtempSync(join(tmpdir(), "loupe-embeddings-"));
    await mkdir(join(folder, "corpus"));
    await writeFile(
      join(folder, "corpus", "dealership.md"),
      "# Dealership news\n\nThe automobile showroom opened on Monday.\n",
    );
    await writeFile(
      join(folder, "corpus", "weather.md"),
      "# Weather\n\nRain is expected over the harbour all week.\n",
    );
    const solid = (r: number, g: number, b: number) =>
      sharp({ create: { width: 64, height: 48, channels: 3, background: { r, g, b } } })
        .png()
        .toBuffer();
    await writeFile(join(folder, "corpus", "tile-a.png"), await solid(220, 20, 30));
    await writeFile(join(folder, "corpus", "tile-b.png"), await solid(20, 40, 210));
    index = openLocalIndex(join(folder, "index.sqlite"), {
      embeddings: { baseUrl: `http://127.0.0.1:${port}/v1/`, model: "clip-test", apiKey: "secret" },
    });
    const report = await index.add([join(folder, "corpus")]);
    expect(report.warnings).toEqual([]);
  });

  afterAll(async () => {
    index?.close();
    await new Promise((resolve) => server?.close(resolve));
    if (folder) rmSync(folder, { recursive: true, force: true });
  });

  it("stores a vector per document, sent with the model name and key", () => {
    expect(index.stats().embeddings).toBe(4);
    expect(requests[0]).toMatchObject({ authorization: "Bearer secret", model: "clip-test", inputs: 4 });
  });

  it("finds a page by meaning when it shares no word with the query", async () => {
    const hits = await index.searchText("car", { limit: 3 });
    expect(hits[0]?.url).toBe(pathToFileURL(join(folder, "corpus", "dealership.md")).href);
    expect(hits.map((hit) => hit.url)).not.toContain(
      pathToFileURL(join(folder, "corpus", "weather.md")).href,
    );
  });

  it("still ranks word matches first", async () => {
    const hits = await index.searchText("harbour rain", { limit: 3 });
    expect(hits[0]?.url).toBe(pathToFileURL(join(folder, "corpus", "weather.md")).href);
  });

  it("finds images by text through the shared vector space", async () => {
    const crimson = await index.searchImagesByText("crimson", { limit: 1 });
    expect(crimson[0]?.source).toBe(pathToFileURL(join(folder, "corpus", "tile-a.png")).href);
    const azure = await index.searchImagesByText("azure", { limit: 1 });
    expect(azure[0]?.source).toBe(pathToFileURL(join(folder, "corpus", "tile-b.png")).href);
  });

  it("reports an unreachable endpoint as a warning and indexes the files anyway", async () => {
    const offline = openLocalIndex(join(folder, "offline.sqlite"), {
      embeddings: { baseUrl: "http://127.0.0.1:9/v1", model: "none" },
    });
    try {
      const report = await offline.add([join(folder, "corpus")]);
      expect(report.documents).toBe(2);
      expect(report.warnings[0]).toMatch(/embeddings skipped for 4 files: .*unreachable/);
      expect(offline.stats().embeddings).toBe(0);
    } finally {
      offline.close();
    }
  });
});
