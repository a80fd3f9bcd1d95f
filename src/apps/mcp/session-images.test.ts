import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { imageConfigSchema } from "../../core/config.js";
import { ImageSet } from "../../core/image-set.js";
import { sessionImageLabel } from "./session-images.js";

/** Image arguments of MCP calls: every way a client names an image ends as a label of the session. */
describe("session images", () => {
  const images = imageConfigSchema.parse({});
  const local = { images, allowFilePaths: true, allowPrivateAddresses: false };
  let png: Buffer;
  let path: string;
  let server: Server;
  let url = "";

  beforeAll(async () => {
    png = await sharp({ create: { width: 64, height: 48, channels: 3, background: "#3366cc" } })
      .png()
      .toBuffer();
    path = join(await mkdtemp(join(tmpdir(), "loupe-session-images-")), "blue.png");
    await writeFile(path, png);
    server = createServer((_request, response) => {
      response.writeHead(200, { "Content-Type": "image/png" });
      response.end(png);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/blue.png`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("adds a file, MCP image content and a data: URL once each, content-addressed", async () => {
    const set = new ImageSet();
    expect(await sessionImageLabel(path, set, local)).toBe("image_1");
    const data = (await readFile(path)).toString("base64");
    expect(await sessionImageLabel({ type: "image", data, mimeType: "image/png" }, set, local)).toBe(
      "image_1",
    );
    expect(await sessionImageLabel(`data:image/png;base64,${data}`, set, local)).toBe("image_1");
    expect(await sessionImageLabel("image_1", set, local)).toBe("image_1");
    expect(set.size).toBe(1);
  });

  it("fetches URLs through web_visit's address check: loopback only when private addresses are allowed", async () => {
    await expect(sessionImageLabel(url, new ImageSet(), local)).rejects.toThrow(
      /^Cannot load image http:\/\/127\.0\.0\.1:\d+\/blue\.png: 127\.0\.0\.1 is /,
    );
    const set = new ImageSet();
    expect(await sessionImageLabel(url, set, { ...local, allowPrivateAddresses: true })).toBe("image_1");
    expect(set.list()[0]?.provenance).toEqual({ kind: "input", source: url });
  });

  it("holds image content to the input limits (pixels), as for any input image", async () => {
    const small = { ...local, images: imageConfigSchema.parse({ maxInputPixels: 1000 }) };
    const content = { type: "image" as const, data: png.toString("base64"), mimeType: "image/png" };
    await expect(sessionImageLabel(content, new ImageSet(), small)).rejects.toThrow(
      /over the limit of 1,000 pixels/,
    );
  });

  it("reads no file for a remote client, and says what to send instead", async () => {
    await expect(
      sessionImageLabel(path, new ImageSet(), { ...local, allowFilePaths: false }),
    ).rejects.toThrow(/file paths are not read for remote clients/);
  });

  it("refuses content that is not base64 or not an image, and names that are neither image nor file", async () => {
    const set = new ImageSet();
    await expect(
      sessionImageLabel({ type: "image", data: "%%%", mimeType: "image/png" }, set, local),
    ).rejects.toThrow(/not base64/);
    await expect(
      sessionImageLabel(
        { type: "image", data: Buffer.from("hello").toString("base64"), mimeType: "image/png" },
        set,
        local,
      ),
    ).rejects.toThrow(/not an image Loupe can read|not a readable image/);
    await expect(sessionImageLabel("image_4", set, local)).rejects.toThrow(/No image named "image_4"/);
  });
});
