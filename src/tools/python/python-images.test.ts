import sharp from "sharp";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { ImageSet } from "../../core/image-set.js";
import type { ToolContext } from "../../core/tool.js";
import { createToolContext } from "../../core/tool-context.js";
import { SandboxPool } from "../../sandbox/sandbox-pool.js";
import { hasSandbox, sandboxPythonPath } from "../../sandbox/sandbox-test-support.js";
import { pythonTool } from "./index.js";

/** Images returned from Python: every PIL mode, saved files, figures, limits, a lying driver pipe. */

function makeContext(images: ImageSet, state: Map<string, unknown>): ToolContext {
  return createToolContext({ tool: "python", images, state });
}

/** The first pixel of an encoded image as sharp decodes it, alpha included when there is one. */
async function firstPixel(bytes: Uint8Array): Promise<number[]> {
  const { data, info } = await sharp(bytes).raw().toBuffer({ resolveWithObject: true });
  return [...data.subarray(0, info.channels)];
}

describe.skipIf(!hasSandbox)("images returned by the python tool", () => {
  const pool = new SandboxPool({ pythonPath: sandboxPythonPath, warmSessions: 0 });
  const tool = pythonTool({ pool });
  let images: ImageSet;
  let state: Map<string, unknown>;
  const run = (code: string, on = tool) => on.execute({ code }, makeContext(images, state));

  beforeEach(() => {
    images = new ImageSet();
    state = new Map();
  });
  afterEach(async () => {
    await tool.dispose?.(state);
  });
  afterAll(async () => {
    await pool.close();
  });

  it("returns images of every common PIL mode and numpy arrays with their pixels", async () => {
    const result = await run(
      [
        "from PIL import Image",
        "import numpy as np",
        "palette = Image.new('P', (8, 8), 1)",
        "palette.putpalette([0, 0, 0, 10, 200, 30] + [0] * 762)",
        "show(palette)",
        "show(Image.new('1', (8, 8), 0))",
        "show(Image.new('LA', (8, 8), (90, 128)))",
        "show(Image.new('RGBA', (8, 8), (200, 100, 50, 64)))",
        "show(Image.new('I;16', (8, 8), 40000))",
        "show(np.full((4, 6), 100.7))",
        "show(np.full((4, 6, 3), (1, 2, 3), dtype=np.uint8))",
      ].join("\n"),
    );
    expect((result.data as { error?: string; stderr: string }).error).toBeUndefined();
    expect((result.data as { stderr: string }).stderr).toBe("");
    expect(result.images).toHaveLength(7);
    expect(result.images.every((image) => image.mime === "image/png")).toBe(true);
    const pixels = await Promise.all(result.images.map((image) => firstPixel(images.bytes(image.id))));
    expect(pixels[0]).toEqual([10, 200, 30]);
    // Grey stays one channel in the file (sharp's raw output expands it to three).
    expect(pixels[1]).toEqual([0, 0, 0]);
    expect(pixels[2]).toEqual([90, 90, 90, 128]);
    expect(pixels[3]).toEqual([200, 100, 50, 64]);
    // 16-bit grey stays 16-bit (encoded in Python as PNG); 40000 / 257 is 156 in 8 bits.
    expect((await sharp(images.bytes(result.images[4]!.id)).metadata()).depth).toBe("ushort");
    expect(pixels[4]).toEqual([156, 156, 156]);
    expect(pixels[5]).toEqual([100, 100, 100]);
    for (const index of [1, 5])
      expect((await sharp(images.bytes(result.images[index]!.id)).metadata()).channels).toBe(1);
    expect(pixels[6]).toEqual([1, 2, 3]);
    expect(result.images.map((image) => [image.width, image.height])).toEqual([
      [8, 8],
      [8, 8],
      [8, 8],
      [8, 8],
      [8, 8],
      [6, 4],
      [6, 4],
    ]);
  });

  it("passes saved PNG and JPEG files through unchanged and converts a BMP", async () => {
    const result = await run(
      [
        "from PIL import Image",
        "Image.new('RGB', (20, 10), (250, 0, 0)).save('red.png')",
        "Image.new('RGB', (20, 10), (0, 0, 250)).save('blue.jpg', quality=50)",
        "Image.new('RGB', (20, 10), (0, 250, 0)).save('green.bmp')",
        "saved = {name: open(name, 'rb').read() for name in ('red.png', 'blue.jpg')}",
      ].join("\n"),
    );
    expect(result.images.map((image) => image.mime).sort()).toEqual(["image/jpeg", "image/png", "image/png"]);
    const sizes = await run("{name: len(data) for name, data in sorted(saved.items())}");
    const lengths = JSON.parse(((sizes.data as { result: string }).result ?? "").replaceAll("'", '"'));
    const jpeg = result.images.find((image) => image.mime === "image/jpeg")!;
    expect(jpeg.byteLength).toBe(lengths["blue.jpg"]);
    const green = result.images.find(
      (image) => image.mime === "image/png" && image.byteLength !== lengths["red.png"],
    )!;
    expect(await firstPixel(images.bytes(green.id))).toEqual([0, 250, 0]);
  });

  it("returns a figure shown twice once, without an alpha channel", async () => {
    const result = await run(
      "import matplotlib.pyplot as plt\nfigure = plt.figure(figsize=(3, 2), dpi=50)\nplt.plot([1, 3, 2])\nshow(figure)\nplt.show()",
    );
    expect(result.images.map((image) => [image.mime, image.width, image.height])).toEqual([
      ["image/png", 150, 100],
    ]);
    expect(await firstPixel(images.bytes(result.images[0]!.id))).toEqual([255, 255, 255]);
  });

  it("drops an image that is too large once encoded, and says so", async () => {
    const small = new SandboxPool({
      pythonPath: sandboxPythonPath,
      warmSessions: 0,
      limits: { maxImageBytes: 20_000 },
    });
    const strict = pythonTool({ pool: small });
    try {
      const result = await run(
        "import numpy as np\nshow(np.random.default_rng(1).integers(0, 255, (200, 200, 3), dtype=np.uint8))\nshow(np.zeros((10, 10), dtype=np.uint8))",
        strict,
      );
      expect(result.images.map((image) => image.width)).toEqual([10]);
      expect((result.data as { stderr: string }).stderr).toMatch(
        /dropped: \d+ bytes once encoded is over 20000/,
      );
    } finally {
      await strict.dispose?.(state);
      await small.close();
    }
  });

  it("restarts the session when user code writes garbage into the answer pipe", async () => {
    await run("kept = 1");
    const result = await run("import os\nos.write(4, b'not a frame\\n')\nimport time\ntime.sleep(0.5)");
    expect(result.data).toMatchObject({ restarted: true });
    expect((result.data as { error: string }).error).toMatch(/garbled/);
    const next = await run("'kept' in globals(), 6 * 7");
    expect((next.data as { result?: string }).result).toBe("(False, 42)");
  });
});
