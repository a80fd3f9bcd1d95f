import { describe, expect, it } from "vitest";
import { resolveConfig } from "../api/resolve-config.js";
import { assertBindAllowed, isLoopbackHost, requestAuthorized, serverApiKeys } from "./bind-policy.js";

describe("bind policy", () => {
  it("knows loopback addresses from the rest", () => {
    for (const host of ["127.0.0.1", "127.1.2.3", "localhost", "::1", "[::1]", "::ffff:127.0.0.1"])
      expect(isLoopbackHost(host), host).toBe(true);
    for (const host of ["0.0.0.0", "::", "192.168.1.10", "10.0.0.1", "example.com", "128.0.0.1"])
      expect(isLoopbackHost(host), host).toBe(false);
  });

  it("binds another address only with an API key", () => {
    expect(() => assertBindAllowed("127.0.0.1", [])).not.toThrow();
    expect(() => assertBindAllowed("0.0.0.0", [])).toThrow(
      /Refusing to listen on 0\.0\.0\.0 without an API key/,
    );
    expect(() => assertBindAllowed("0.0.0.0", ["k"])).not.toThrow();
  });

  it("takes keys from the config and LOUPE_API_KEYS", () => {
    const keys = serverApiKeys({ apiKeys: ["from-config"] }, { LOUPE_API_KEYS: " a, b ,,from-config" });
    expect(keys).toEqual(["from-config", "a", "b"]);
  });

  it("checks server.apiKeys when the config is read, without showing the key", async () => {
    const raw = { model: { baseUrl: "http://127.0.0.1:9/v1", name: "m" }, server: { apiKeys: ["abc\n"] } };
    await expect(resolveConfig(raw)).rejects.toThrow(
      "Invalid configuration: server.apiKeys.0: must be printable ASCII: it contains a line break (the value is not shown).",
    );
  });

  it("accepts a request only with one of the keys as a bearer token", () => {
    expect(requestAuthorized(undefined, [])).toBe(true);
    expect(requestAuthorized(undefined, ["secret"])).toBe(false);
    expect(requestAuthorized("Bearer secret", ["other", "secret"])).toBe(true);
    expect(requestAuthorized("bearer  secret ", ["secret"])).toBe(true);
    expect(requestAuthorized("Bearer secre", ["secret"])).toBe(false);
    expect(requestAuthorized("Basic secret", ["secret"])).toBe(false);
  });
});
