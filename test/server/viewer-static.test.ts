import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureViewerBuilt } from "../browser/chromium.js";
import { startTestServer, type TestServer } from "./server-harness.js";

/** `loupe serve` serves the built viewer at / without taking anything from the API. */
describe("the viewer's static route", () => {
  let server: TestServer;
  beforeAll(async () => {
    ensureViewerBuilt();
    server = await startTestServer([]);
  }, 60_000);
  afterAll(() => server?.close());

  it("serves index.html at / and for client routes, and the built assets", async () => {
    for (const path of ["/", "/runs/abc", "/ask"]) {
      const response = await fetch(`${server.url}${path}`);
      expect(response.status, path).toBe(200);
      expect(response.headers.get("content-type")).toContain("text/html");
      expect(await response.text()).toContain('<div id="root">');
    }
    const script = await fetch(`${server.url}/assets/viewer.js`);
    expect(script.status).toBe(200);
    expect(script.headers.get("content-type")).toContain("text/javascript");
  });

  it("leaves the API's 404s to the API, and a missing asset is a 404", async () => {
    const api = await fetch(`${server.url}/v1/nothing-here`);
    expect(api.status).toBe(404);
    expect(((await api.json()) as { error: { code: string } }).error.code).toBe("no-route");
    expect((await fetch(`${server.url}/assets/missing.js`)).status).toBe(404);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });

  it("never serves a file outside dist/web", async () => {
    for (const path of [
      "/%2e%2e/%2e%2e/package.json",
      "/..%2f..%2fpackage.json",
      "/assets/%2e%2e%2f%2e%2e%2f%2e%2e%2fpackage.json",
    ]) {
      const response = await fetch(`${server.url}${path}`);
      const text = await response.text();
      expect(text, path).not.toContain('"name": "loupe"');
    }
  });
});
