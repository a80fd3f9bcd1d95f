import { once } from "node:events";
import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe } from "vitest";
import { type ModelServer, startModelServer } from "../support/model-server.js";
import { expectRefusal, runTimedCli } from "./cli-refusal.js";
import { hostileCase } from "./hostile-case.js";

/** A refusal comes before any work: the CLI's start-up (a few seconds through tsx) and a check. */
const refusedWithinMs = 15_000;

/**
 * Hostile and broken input images (`--image` files and URLs). Each is refused before the run in
 * one line that names the file or URL and the reason, with the config exit code. URLs are served
 * on 127.0.0.1 only: a refused port, a server that redirects to itself, one that never answers.
 */
describe("hostile input images", () => {
  let model: ModelServer;
  let folder: string;
  let server: Server;
  let serverUrl: string;
  let refusedUrl: string;
  const sockets = new Set<Socket>();

  beforeAll(async () => {
    model = await startModelServer(() => ({ content: "An answer." }));
    folder = await mkdtemp(join(tmpdir(), "loupe-hostile-images-"));
    server = createServer((request, response) => {
      if (request.url === "/loop") response.writeHead(302, { location: "/loop" }).end();
      else if (request.url === "/hang") {
        // Accepts the connection and never answers.
      } else response.writeHead(404).end();
    });
    server.on("connection", (socket) => {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
    });
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    serverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    // A port that was just listening and is now closed: connecting to it is refused.
    const closed = createServer().listen(0, "127.0.0.1");
    await once(closed, "listening");
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    refusedUrl = `http://127.0.0.1:${port}/image.png`;
  });

  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    server.close();
    await model.close();
  });

  function ask(image: string, extra: string[] = []) {
    return runTimedCli(
      ["ask", "-i", image, "--base-url", model.baseUrl, "--model", "m", "--quiet", ...extra, "What is it?"],
      { env: { LOUPE_HOME: join(folder, "home") }, timeoutMs: 30_000 },
    );
  }

  async function file(name: string, content: Uint8Array | string): Promise<string> {
    const path = join(folder, name);
    await writeFile(path, content);
    return path;
  }

  hostileCase(
    "a JPEG cut inside its header gives one line with the decoder's reason, not five",
    20_000,
    async () => {
      const jpeg = await sharp({ create: { width: 64, height: 48, channels: 3, background: "#336699" } })
        .jpeg()
        .toBuffer();
      const path = await file("cut-header.jpg", jpeg.subarray(0, 100));
      expectRefusal(
        await ask(path),
        /^loupe: .*cut-header\.jpg is not a readable image: Input buffer has corrupt header: premature end of JPEG image; JPEG datastream contains no image\.$/,
        refusedWithinMs,
      );
    },
  );

  hostileCase("a JPEG cut in its body names the file and says it is truncated", 20_000, async () => {
    const jpeg = await sharp({
      create: {
        width: 640,
        height: 480,
        channels: 3,
        background: "#000",
        noise: { type: "gaussian", mean: 128, sigma: 40 },
      },
    })
      .jpeg()
      .toBuffer();
    const path = await file("cut-body.jpg", jpeg.subarray(0, Math.floor(jpeg.length / 2)));
    expectRefusal(
      await ask(path),
      /^loupe: .*cut-body\.jpg could not be decoded \(truncated or corrupt\): premature end of JPEG image\.$/,
      refusedWithinMs,
    );
  });

  hostileCase("a zero-byte file is called empty", 20_000, async () => {
    const path = await file("empty.jpg", "");
    expectRefusal(
      await ask(path),
      /^loupe: .*empty\.jpg is empty \(0 bytes\), not an image\.$/,
      refusedWithinMs,
    );
  });

  hostileCase("a text file named .jpg is called not an image", 20_000, async () => {
    const path = await file("notes.jpg", "These are not pixels.\n");
    expectRefusal(
      await ask(path),
      /^loupe: .*notes\.jpg is not an image Loupe can read \(not JPEG, PNG, WEBP, GIF, TIFF or AVIF\)\.$/,
      refusedWithinMs,
    );
  });

  hostileCase("a folder given as --image is called a folder", 20_000, async () => {
    const path = join(folder, "photos.jpg");
    await mkdir(path, { recursive: true });
    expectRefusal(
      await ask(path),
      /^loupe: Cannot read image file .*photos\.jpg: it is a folder, not a file\.$/,
      refusedWithinMs,
    );
  });

  hostileCase("a path that does not exist says so", 20_000, async () => {
    expectRefusal(
      await ask(join(folder, "absent.png")),
      /^loupe: Cannot read image file .*absent\.png: no such file\.$/,
      refusedWithinMs,
    );
  });

  hostileCase("a device given as --image is refused without reading it", 20_000, async () => {
    expectRefusal(
      await ask("/dev/zero"),
      /^loupe: Cannot read image file \/dev\/zero: it is not a regular file\.$/,
      refusedWithinMs,
    );
  });

  hostileCase("a URL on a refused port says the connection was refused", 20_000, async () => {
    expectRefusal(
      await ask(refusedUrl),
      /^loupe: Cannot fetch image http:\/\/127\.0\.0\.1:\d+\/image\.png: connection refused: nothing is listening there \(ECONNREFUSED\)\.$/,
      refusedWithinMs,
    );
  });

  hostileCase("a URL that redirects to itself forever says too many redirects", 20_000, async () => {
    expectRefusal(
      await ask(`${serverUrl}/loop`),
      /^loupe: Cannot fetch image http:\/\/127\.0\.0\.1:\d+\/loop: too many redirects \(a redirect loop\?\)\.$/,
      refusedWithinMs,
    );
  });

  hostileCase("a URL whose server never answers times out after images.fetchTimeoutMs", 20_000, async () => {
    const config = await file("fetch-timeout.json", JSON.stringify({ images: { fetchTimeoutMs: 500 } }));
    expectRefusal(
      await ask(`${serverUrl}/hang`, ["--config", config]),
      /^loupe: Cannot fetch image http:\/\/127\.0\.0\.1:\d+\/hang: timed out after 0\.5 s \(images\.fetchTimeoutMs\)/,
      refusedWithinMs,
    );
  });

  hostileCase("a URL answered with an HTTP error names the status", 20_000, async () => {
    expectRefusal(
      await ask(`${serverUrl}/missing.png`),
      /^loupe: Cannot fetch image http:\/\/127\.0\.0\.1:\d+\/missing\.png: the server answered HTTP 404 Not Found\.$/,
      refusedWithinMs,
    );
  });

  hostileCase("an https URL to a plain HTTP server names a TLS error", 20_000, async () => {
    expectRefusal(
      await ask(`${serverUrl.replace("http:", "https:")}/image.png`),
      /^loupe: Cannot fetch image https:\/\/127\.0\.0\.1:\d+\/image\.png: TLS error: .*\(ERR_SSL_WRONG_VERSION_NUMBER\)\.$/,
      refusedWithinMs,
    );
  });

  hostileCase("a URL scheme other than http(s) is refused by name", 20_000, async () => {
    expectRefusal(
      await ask("ftp://127.0.0.1/image.png"),
      /^loupe: Cannot load image ftp:\/\/127\.0\.0\.1\/image\.png: ftp:\/\/ URLs are not supported; give an http\(s\) URL or a file path\.$/,
      refusedWithinMs,
    );
  });
});
