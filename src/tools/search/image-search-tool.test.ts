import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ImageSet } from "../../core/image-set.js";
import { type SearchConfigInput, searchConfigSchema } from "../../core/search-config.js";
import type { ToolContext } from "../../core/tool.js";
import { createToolContext } from "../../core/tool-context.js";
import { openLocalIndex } from "../../search/local-index/index.js";
import { createSearchServices } from "../../search/search-services.js";
import {
  type LocalHttpServer,
  sendJson,
  startLocalHttpServer,
} from "../../search/testing/local-http-server.js";
import { imageSearchTool } from "./image-search-tool.js";

const folder = mkdtempSync(join(tmpdir(), "loupe-image-search-tool-"));
const indexPath = join(folder, "index.sqlite");
const picturePath = join(folder, "pictures", "harbour.png");
let picture: Uint8Array;
let server: LocalHttpServer;

/** A 600x400 picture with enough structure for the local index's descriptors to match it. */
async function harbourPicture(): Promise<Uint8Array> {
  const block = (width: number, height: number, r: number, g: number, b: number) =>
    sharp({ create: { width, height, channels: 3, background: { r, g, b } } })
      .png()
      .toBuffer();
  const png = await sharp({ create: { width: 600, height: 400, channels: 3, background: "#2060a0" } })
    .composite([
      { input: await block(600, 120, 230, 210, 160), left: 0, top: 280 },
      { input: await block(80, 220, 240, 240, 240), left: 420, top: 60 },
      { input: await block(160, 60, 180, 30, 30), left: 90, top: 230 },
    ])
    .png()
    .toBuffer();
  return new Uint8Array(png);
}

beforeAll(async () => {
  picture = await harbourPicture();
  mkdirSync(join(folder, "pictures"));
  await sharp(picture).toFile(picturePath);
  const index = openLocalIndex(indexPath);
  await index.add([join(folder, "pictures")]);
  index.close();
  server = await startLocalHttpServer((request, response) => {
    // A provider that (wrongly or maliciously) answers with a file:// image URL.
    if (request.url.startsWith("/serper/images"))
      return sendJson(response, 200, {
        images: [{ title: "Harbour", imageUrl: pathToFileURL(picturePath).href, link: "https://h.example" }],
      });
    sendJson(response, 404, { message: "no route" });
  });
});

afterAll(async () => {
  await server?.close();
  rmSync(folder, { recursive: true, force: true });
});

function search(backends: SearchConfigInput["backends"]) {
  return createSearchServices(
    searchConfigSchema.parse({
      cache: { enabled: false },
      localIndex: { path: indexPath },
      backends,
      providers: { serper: { apiKey: "k", baseUrl: `${server.url}/serper`, maxRetries: 0 } },
    }),
  );
}

function contextWith(input: Uint8Array): ToolContext {
  const images = new ImageSet();
  images.add(input, { mime: "image/png", width: 600, height: 400 }, { kind: "input", source: "query.png" });
  return createToolContext({ tool: "image_search", images, question: "Which harbour is this?" });
}

describe("image_search thumbnails", () => {
  it("shows a downscaled thumbnail of an image the local index found, and names it", async () => {
    const services = search({ image: ["local"] });
    const context = contextWith(picture);
    const result = await imageSearchTool(services).execute({}, context);
    services.close();
    const source = pathToFileURL(picturePath).href;
    expect(result.isError).toBe(false);
    const [thumbnail] = result.images;
    expect(result.images).toHaveLength(1);
    expect(thumbnail).toMatchObject({
      label: "image_2",
      mime: "image/jpeg",
      width: 256,
      height: 171,
      provenance: { kind: "tool", operation: "search-thumbnail", parameters: { source } },
    });
    const decoded = await sharp(context.images.bytes(thumbnail!.id)).metadata();
    expect([decoded.format, decoded.width, decoded.height]).toEqual(["jpeg", 256, 171]);
    expect(result.data).toMatchObject({
      kind: "image-search",
      results: [[{ source, imageId: thumbnail!.id }]],
    });
    expect(result.text).toContain(`image: ${source}\n   thumbnail: image_2`);
  });

  it("says what kind of match each hit is: the same image, a crop with its region, or only similar", async () => {
    const services = search({ image: ["local"] });
    const tool = imageSearchTool(services);
    const same = await tool.execute({}, contextWith(picture));
    expect(same.text).toContain("match: the same image (score");
    expect(same.data).toMatchObject({ results: [[{ match: { kind: "same" } }]] });
    const crop = await sharp(picture)
      .extract({ left: 200, top: 100, width: 360, height: 240 })
      .png()
      .toBuffer();
    const cropped = await tool.execute({}, contextWith(new Uint8Array(crop)));
    expect(cropped.text).toMatch(
      /match: the searched image is a crop of this one: the region at x=\d+, y=\d+, \d+x\d+ px/,
    );
    const region = (cropped.data as { results: { match?: { region?: { x: number; width: number } } }[][] })
      .results[0]![0]!.match!.region!;
    // Flat graphics are matched by the global descriptors, whose region is approximate (a square
    // window refined on a 32 px thumbnail): within 15 % of the side.
    expect(Math.abs(region.x - 200)).toBeLessThan(90);
    expect(Math.abs(region.width - 360)).toBeLessThan(90);
    // Upside down and re-coloured: nothing verifies, so the look-alikes come marked as such.
    const unlike = await sharp(picture).rotate(180).negate().png().toBuffer();
    const similar = await tool.execute({}, contextWith(new Uint8Array(unlike)));
    services.close();
    expect(similar.text).toContain("no copy of this image was found");
    expect(similar.text).toContain("match: similar-looking, not verified");
  });

  it("never opens a file:// URL that a remote provider returned", async () => {
    const services = search({ image: ["serper"] });
    const result = await imageSearchTool(services).execute({ query: "harbour" }, contextWith(picture));
    services.close();
    expect(result.data).toMatchObject({
      kind: "image-search",
      results: [[{ title: "Harbour", source: pathToFileURL(picturePath).href }]],
    });
    expect(result.images).toEqual([]);
    expect(JSON.stringify(result.data)).not.toContain("imageId");
    expect(result.text).not.toContain("thumbnail");
  });
});
