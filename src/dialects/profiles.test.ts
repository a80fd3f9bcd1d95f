import { describe, expect, it } from "vitest";
import { loupeConfigSchema } from "../core/config.js";
import { findProfile, flattenSettings, profilesOf, registeredProfiles, withProfile } from "./profiles.js";

const model = { baseUrl: "http://127.0.0.1:8000/v1", name: "m" };

function configOf(raw: Record<string, unknown>) {
  return loupeConfigSchema.parse(withProfile({ model, ...raw }));
}

describe("model profiles", () => {
  it("apply the dialect's default profile when none is named", () => {
    const config = configOf({ dialect: "deepeyes" });
    expect(config.profile).toBe("deepeyes");
    expect(config.images.modelView.maxPixels).toBe(16384 * 28 * 28);
    expect(config.dialectOptions).toMatchObject({
      boxCoordinates: "view",
      boxRules: "none",
      cropZoom: "none",
    });
    expect(config.budgets.maxSteps).toBe(10);
    expect(config.model.temperature).toBe(0);
  });

  it("let the user's values win over the profile's, key by key", () => {
    const config = configOf({
      profile: "deepeyes-rl",
      images: { modelView: { maxPixels: 1280 * 28 * 28 } },
      budgets: { maxSteps: 7 },
      dialectOptions: { boxRules: "none" },
    });
    expect(config.dialect).toBe("deepeyes");
    expect(config.images.modelView).toMatchObject({ maxPixels: 1280 * 28 * 28, factor: 28 });
    expect(config.budgets.maxSteps).toBe(7);
    expect(config.dialectOptions).toMatchObject({ boxRules: "none", boxCoordinates: "view" });
  });

  it("pin MMSearch-R1's search limits and pixel bounds", () => {
    const config = configOf({ dialect: "mmsearch-r1" });
    expect(config.dialectOptions.toolCallLimits).toEqual({ image_search: 1, text_search: 2 });
    expect(config.images.modelView).toMatchObject({ minPixels: 512 * 512, maxPixels: 672 * 672 * 2 });
  });

  it("refuse an unknown profile, and one of another dialect, listing what exists", () => {
    expect(() => withProfile({ profile: "deepeyes-v3" })).toThrow(
      /Unknown profile "deepeyes-v3".*deepeyes-rl \(deepeyes\)/,
    );
    expect(() => withProfile({ dialect: "native", profile: "deepeyes" })).toThrow(
      /for the deepeyes dialect, not native\. Profiles of native: generic, qwen2\.5-vl, qwen3-vl/,
    );
  });

  it("each validate as config and list their values", () => {
    for (const profile of registeredProfiles()) {
      expect(() => configOf({ profile: profile.name }), profile.name).not.toThrow();
      expect(profilesOf(profile.dialect)).toContain(profile);
    }
    expect(flattenSettings(findProfile("mmsearch-r1")!.settings)).toContainEqual([
      "dialectOptions.toolCallLimits",
      '{"image_search":1,"text_search":2}',
    ]);
  });
});
