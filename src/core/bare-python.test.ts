import { describe, expect, it } from "vitest";
import { looksLikePython } from "./bare-python.js";

describe("looksLikePython", () => {
  it("recognises the bare listings of R1V4's figures", () => {
    expect(looksLikePython("import os\n...\n# crop\nleft = int(width * 0.4)\nprint(processed_path)")).toBe(
      true,
    );
    expect(looksLikePython("w, h = image_1.size\nshow(image_1.crop((0, 0, w, h)))")).toBe(true);
    expect(looksLikePython("from PIL import Image\n")).toBe(true);
  });

  it("leaves prose, short answers and single lines alone", () => {
    expect(looksLikePython("The quadrant is red.")).toBe(false);
    expect(looksLikePython("x = 5")).toBe(false);
    expect(looksLikePython("important results follow\nx = 5")).toBe(false);
    expect(looksLikePython("Chongqing, China.\nIt is in Yuzhong District.")).toBe(false);
    expect(looksLikePython("")).toBe(false);
    expect(looksLikePython("# Heading\n...")).toBe(false);
  });
});
