import { describe, expect, it } from "vitest";
import { addressPolicyCacheScope } from "./direct-backend.js";

describe("addressPolicyCacheScope", () => {
  const strict = addressPolicyCacheScope({});

  it("gives the default policy one scope however it is spelled", () => {
    expect(addressPolicyCacheScope({ allowPrivateAddresses: false, trustedHosts: [] })).toBe(strict);
    expect(strict).toMatch(/^address-policy:[0-9a-f]{16}$/);
  });

  it("separates every relaxed policy from the default and from each other", () => {
    const scopes = new Set([
      strict,
      addressPolicyCacheScope({ allowPrivateAddresses: true }),
      addressPolicyCacheScope({ trustedHosts: ["intranet"] }),
      addressPolicyCacheScope({ trustedHosts: ["Intranet"] }),
      addressPolicyCacheScope({ trustedHosts: ["intranet:8080"] }),
      addressPolicyCacheScope({ allowPrivateAddresses: true, trustedHosts: ["intranet"] }),
    ]);
    expect(scopes.size).toBe(6);
  });

  it("ignores the order and repetition of trusted hosts", () => {
    expect(addressPolicyCacheScope({ trustedHosts: ["b.example", "a.example", "b.example"] })).toBe(
      addressPolicyCacheScope({ trustedHosts: ["a.example", "b.example"] }),
    );
  });
});
