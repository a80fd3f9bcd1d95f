import { describe, expect, it } from "vitest";
import { z } from "zod";
import { imageConfigSchema } from "../../core/config.js";
import { imageTools } from "./index.js";

describe("imageTools", () => {
  it("offers every image tool with a schema that converts to JSON Schema for function calling", () => {
    const tools = imageTools(imageConfigSchema.parse({}));
    expect(tools.map((tool) => tool.name)).toEqual([
      "crop",
      "rotate",
      "flip",
      "resize",
      "enhance",
      "annotate",
      "ocr",
    ]);
    for (const tool of tools) {
      expect(tool.description.length).toBeGreaterThan(20);
      expect(z.toJSONSchema(tool.parameters, { io: "input" })).toMatchObject({ type: "object" });
      expect(typeof tool.dispose).toBe("function");
    }
  });

  it("releases the run's decoded pixels when the run's tools are disposed", async () => {
    const tools = imageTools(imageConfigSchema.parse({}));
    const state = new Map<string, unknown>([["image-tools:decoded-image-cache", "anything"]]);
    await Promise.all(tools.map((tool) => tool.dispose?.(state)));
    expect(state.has("image-tools:decoded-image-cache")).toBe(false);
  });
});
