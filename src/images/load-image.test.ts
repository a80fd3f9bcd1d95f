import { once } from "node:events";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { crc32, deflateSync } from "node:zlib";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixturePath, hasFixtures } from "../../test/support/fixtures.js";
import { imageConfigSchema } from "../core/config.js";
import { decoderReason, loadInputImage, readImageFacts } from "./load-image.js";

const config = imageConfigSchema.parse({});

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
  const checksum = Buffer.alloc(4);
  checksum.writeUInt32BE(crc32(body) >>> 0);
  return Buffer.concat([length, body, checksum]);
}

/** A valid PNG header that claims 100000x100000 pixels over a tiny body: a decompression bomb. */
function decompressionBomb(): Uint8Array {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(100_000, 0);
  header.writeUInt32BE(100_000, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // truecolour
  const signature = Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]);
  const body = deflateSync(Buffer.alloc(4096));
  return new Uint8Array(
    Buffer.concat([
      signature,
      pngChunk("IHDR", header),
      pngChunk("IDAT", body),
      pngChunk("IEND", Buffer.alloc(0)),
    ]),
  );
}

describe("loading input images", () => {
  let folder: string;
  let server: Server;
  let baseUrl: string;
  let png: Buffer;

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), "loupe-load-image-"));
    png = await sharp({ create: { width: 64, height: 32, channels: 3, background: "#336699" } })
      .png()
      .toBuffer();
    server = createServer((request, response) => {
      if (request.url === "/image.png") response.writeHead(200, { "content-type": "image/png" }).end(png);
      else if (request.url === "/huge") response.writeHead(200).end(Buffer.alloc(2048));
      else if (request.url === "/silent") {
        // Accepts the connection and never answers: a stalled server.
      } else if (request.url === "/stalls-midway") {
        response.writeHead(200, { "content-type": "image/png", "content-length": String(png.length) });
        response.write(png.subarray(0, 20));
      } else if (request.url === "/unannounced") {
        // Chunked, with no length to refuse up front: only counting while streaming catches it.
        response.writeHead(200, { "content-type": "image/png" });
        for (let chunk = 0; chunk < 8; chunk++) response.write(Buffer.alloc(512));
        response.end();
      } else response.writeHead(404).end();
    });
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    server.close();
    await rm(folder, { recursive: true, force: true });
  });

  it("reads a file and reports its format and size", async () => {
    const path = join(folder, "blue.png");
    await writeFile(path, png);
    const loaded = await loadInputImage(path, config);
    expect(loaded.facts).toEqual({ mime: "image/png", width: 64, height: 32 });
    expect(Buffer.from(loaded.bytes).equals(png)).toBe(true);
    expect(loaded.source).toBe(path);
  });

  it("fetches http URLs and names HTTP failures", async () => {
    const loaded = await loadInputImage(`${baseUrl}/image.png`, config);
    expect(loaded.facts.width).toBe(64);
    await expect(loadInputImage(`${baseUrl}/missing.png`, config)).rejects.toMatchObject({
      code: "image-not-found",
      message: expect.stringContaining("HTTP 404"),
    });
    await expect(loadInputImage(`${baseUrl}/huge`, { ...config, maxInputBytes: 1000 })).rejects.toMatchObject(
      {
        code: "image-too-large",
      },
    );
  });

  it("gives up on a server that never answers, or stops halfway, naming the URL", async () => {
    for (const path of ["/silent", "/stalls-midway"]) {
      await expect(loadInputImage(`${baseUrl}${path}`, config, { timeoutMs: 300 })).rejects.toMatchObject({
        code: "image-not-found",
        message: `Cannot fetch image ${baseUrl}${path}: timed out after 0.3 s (images.fetchTimeoutMs); the server stopped answering or is too slow.`,
      });
    }
  });

  it("tells a cancelled load from a timeout", async () => {
    const controller = new AbortController();
    const loading = loadInputImage(`${baseUrl}/silent`, config, {
      signal: controller.signal,
      timeoutMs: 60_000,
    });
    controller.abort();
    await expect(loading).rejects.toMatchObject({
      code: "cancelled",
      message: expect.stringContaining("/silent"),
    });
  });

  it("counts bytes while streaming when the server announces no length", async () => {
    await expect(
      loadInputImage(`${baseUrl}/unannounced`, { ...config, maxInputBytes: 1000 }),
    ).rejects.toMatchObject({
      code: "image-too-large",
      message: expect.stringMatching(/\/unannounced is at least [\d,]+ bytes, over the limit of 1,000 bytes/),
    });
  });

  it("refuses corrupt and truncated files as image-invalid, naming the file", async () => {
    const garbage = join(folder, "garbage.jpg");
    await writeFile(garbage, Buffer.from("this is not an image at all"));
    await expect(loadInputImage(garbage, config)).rejects.toMatchObject({
      code: "image-invalid",
      message: expect.stringContaining(garbage),
    });
    const jpeg = await sharp({ create: { width: 400, height: 400, channels: 3, background: "#ff0000" } })
      .jpeg()
      .toBuffer();
    const truncated = join(folder, "truncated.jpg");
    await writeFile(truncated, jpeg.subarray(0, Math.floor(jpeg.length / 2)));
    await expect(loadInputImage(truncated, config)).rejects.toMatchObject({ code: "image-invalid" });
    await expect(loadInputImage(join(folder, "absent.png"), config)).rejects.toMatchObject({
      code: "image-not-found",
    });
  });

  it("refuses a decompression bomb from its header, naming the pixel count and the limit", async () => {
    const path = join(folder, "bomb.png");
    await writeFile(path, decompressionBomb());
    await expect(loadInputImage(path, config)).rejects.toMatchObject({ code: "image-too-large" });
    await expect(loadInputImage(path, { ...config, maxInputPixels: 100_000_000 })).rejects.toMatchObject({
      code: "image-too-large",
      message: expect.stringMatching(
        /100000x100000 = 10,000,000,000 pixels, over the limit of 100,000,000 pixels/,
      ),
    });
  });

  it("refuses files over the byte limit before reading them", async () => {
    const path = join(folder, "big.png");
    await writeFile(path, png);
    await expect(loadInputImage(path, { ...config, maxInputBytes: 10 })).rejects.toMatchObject({
      code: "image-too-large",
      message: expect.stringMatching(/over the limit of 10 bytes/),
    });
  });

  it("reports the upright size of photos stored sideways (EXIF orientation)", async () => {
    const sideways = await sharp({ create: { width: 80, height: 20, channels: 3, background: "#00ff00" } })
      .jpeg()
      .withMetadata({ orientation: 6 })
      .toBuffer();
    expect(await readImageFacts(sideways, config, "sideways.jpg")).toEqual({
      mime: "image/jpeg",
      width: 20,
      height: 80,
    });
  });

  it.skipIf(!hasFixtures)("loads the high-resolution fixtures", async () => {
    const loaded = await loadInputImage(fixturePath("hires", "signicade.JPG"), config);
    expect(loaded.facts).toEqual({ mime: "image/jpeg", width: 4240, height: 2700 });
    expect(loaded.bytes.byteLength).toBe((await readFile(fixturePath("hires", "signicade.JPG"))).byteLength);
  });

  it("says what is wrong with an empty file, a folder and a text file, in one line", async () => {
    const empty = join(folder, "empty.jpg");
    await writeFile(empty, "");
    await expect(loadInputImage(empty, config)).rejects.toThrow(
      /^.*empty\.jpg is empty \(0 bytes\), not an image\.$/,
    );
    await expect(loadInputImage(folder, config)).rejects.toThrow(/: it is a folder, not a file\.$/);
    const text = join(folder, "text.jpg");
    await writeFile(text, "hello\n");
    await expect(loadInputImage(text, config)).rejects.toThrow(
      /text\.jpg is not an image Loupe can read \(not JPEG, PNG, WEBP, GIF, TIFF or AVIF\)\.$/,
    );
    await expect(loadInputImage("ftp://127.0.0.1/a.png", config)).rejects.toThrow(
      /ftp:\/\/ URLs are not supported/,
    );
  });

  it("names the cause when a URL cannot be fetched", async () => {
    const closed = createServer().listen(0, "127.0.0.1");
    await once(closed, "listening");
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    await expect(loadInputImage(`http://127.0.0.1:${port}/a.png`, config)).rejects.toThrow(
      /: connection refused: nothing is listening there \(ECONNREFUSED\)\.$/,
    );
  });
});

describe("decoderReason", () => {
  it("keeps each of libvips' repeated messages once, on one line", () => {
    const error = new Error(
      "Input buffer has corrupt header: VipsJpeg: premature end of JPEG image\nVipsJpeg: JPEG datastream contains no image\nVipsJpeg: premature end of JPEG image\nVipsJpeg: JPEG datastream contains no image\nVipsJpeg: premature end of JPEG image",
    );
    expect(decoderReason(error)).toBe(
      "Input buffer has corrupt header: premature end of JPEG image; JPEG datastream contains no image",
    );
    expect(decoderReason(new Error("VipsJpeg: premature end of JPEG image"))).toBe(
      "premature end of JPEG image",
    );
  });
});
