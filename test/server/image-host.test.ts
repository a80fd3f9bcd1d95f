import { afterAll, beforeAll, expect, it } from "vitest";
import { createImageHost } from "../../src/search/image-host.js";
import { json, startTestServer, type TestServer, testPng } from "./server-harness.js";

/**
 * With server.publicUrl set, the server is the public image host that reverse image search
 * hands to providers: an image published by the search tools is served at the URL it was given.
 */

let loupe: TestServer;

beforeAll(async () => {
  loupe = await startTestServer([{ content: "Hi." }], {
    config: { server: { publicUrl: "https://loupe.example.org" } },
  });
});

afterAll(() => loupe.close());

it("serves published images at /images/<sha256>.<ext> without a key, and links runs on the public URL", async () => {
  const { config } = loupe.server.context;
  expect(config.search.imageHost).toMatchObject({
    kind: "loupe-server",
    publicBaseUrl: "https://loupe.example.org",
  });
  const published = await createImageHost(config.search.imageHost).publish({
    bytes: await testPng(),
    mime: "image/png",
  });
  const path = new URL(published as string).pathname;
  expect(path).toMatch(/^\/images\/[0-9a-f]{64}\.png$/);
  const served = await fetch(`${loupe.url}${path}`);
  expect(served.status).toBe(200);
  expect(served.headers.get("content-type")).toBe("image/png");
  expect(new Uint8Array(await served.arrayBuffer())).toEqual(await testPng());
  expect((await fetch(`${loupe.url}/images/..%2Fsecret.png`)).status).toBe(404);
  expect((await fetch(`${loupe.url}/images/${"a".repeat(64)}.png`)).status).toBe(404);

  const created = await json(
    await fetch(`${loupe.url}/v1/runs`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ question: "Hello?" }),
    }),
  );
  expect(created.run_url).toBe(`https://loupe.example.org/v1/runs/${created.id}`);
});
