import { readFileSync } from "node:fs";
import sharp from "sharp";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { fixturePath, hasFixtures } from "../../../test/support/fixtures.js";
import { dialectOptionsSchema, imageConfigSchema } from "../../core/config.js";
import { ImageSet } from "../../core/image-set.js";
import type { ToolContext, ToolResult } from "../../core/tool.js";
import { createToolContext } from "../../core/tool-context.js";
import { getDialect } from "../../dialects/registry.js";
import { SandboxPool } from "../../sandbox/sandbox-pool.js";
import { hasSandbox, sandboxPythonPath } from "../../sandbox/sandbox-test-support.js";
import { cropTool } from "../image/crop.js";
import { pythonTool } from "./index.js";

function makeContext(images: ImageSet, state: Map<string, unknown>, callId = "call_1"): ToolContext {
  return createToolContext({ tool: "python", callId, images, state });
}

async function addFile(images: ImageSet, path: string) {
  const bytes = new Uint8Array(readFileSync(path));
  const metadata = await sharp(bytes).metadata();
  return images.add(
    bytes,
    { mime: `image/${metadata.format}`, width: metadata.width ?? 0, height: metadata.height ?? 0 },
    {
      kind: "input",
      source: path,
    },
  );
}

describe("python tool without a sandbox", () => {
  it("answers with an error observation that says what to install", async () => {
    const tool = pythonTool({ bwrapPath: "/nonexistent/bwrap" });
    const result: ToolResult = await tool.execute({ code: "1 + 1" }, makeContext(new ImageSet(), new Map()));
    expect(result.isError).toBe(true);
    expect(result.text).toContain("/nonexistent/bwrap");
    expect(result.text).toContain("apt-get install -y bubblewrap");
  });
});

describe.skipIf(!hasSandbox)("python tool in the real sandbox", () => {
  const pool = new SandboxPool({
    pythonPath: sandboxPythonPath,
    warmSessions: 1,
    limits: { wallSecondsPerCall: 20 },
  });
  const tool = pythonTool({ pool });
  let images: ImageSet;
  let state: Map<string, unknown>;
  const run = (code: string) => tool.execute({ code }, makeContext(images, state));

  beforeEach(() => {
    images = new ImageSet();
    state = new Map();
  });
  afterAll(async () => {
    await tool.dispose?.(state);
    await pool.close();
  });

  it("keeps variables across calls and returns the last expression's value", async () => {
    await run("total = 40\nprint('set')");
    const result = await run("total + 2");
    expect(result.data).toMatchObject({ kind: "code", result: "42", restarted: false });
    expect(result.text).toContain("Result: 42");
    await tool.dispose?.(state);
  });

  it("runs calls made at once one after the other in one session", async () => {
    // The agent runs a turn's tool calls with Promise.all; a notebook must still have one state.
    const [first, second] = await Promise.all([
      run("import uuid\nsession_id = uuid.uuid4().hex\nfirst = 1\nsession_id"),
      run("second = 2\nsession_id"),
    ]);
    const firstId = (first.data as { result?: string }).result;
    expect(firstId).toMatch(/^'[0-9a-f]{32}'$/);
    expect((second.data as { result?: string }).result).toBe(firstId);
    expect(pool.sessionsInUse).toBe(1);
    const both = await run("first + second");
    expect((both.data as { result?: string }).result).toBe("3");
    await tool.dispose?.(state);
    expect(pool.sessionsInUse).toBe(0);
  });

  it("runs OpenCV's parallel code under a process limit smaller than the machine's cores", async () => {
    // The limit counts threads; uncapped, OpenCV's TBB starts a worker per core and fails.
    const tight = new SandboxPool({
      pythonPath: sandboxPythonPath,
      warmSessions: 0,
      limits: { wallSecondsPerCall: 20, processes: 2, threads: 1 },
    });
    const tightTool = pythonTool({ pool: tight });
    const tightState = new Map<string, unknown>();
    try {
      const result = await tightTool.execute(
        {
          code: "import cv2, numpy as np\npixels = np.zeros((2000, 2000, 3), np.uint8)\ncv2.resize(pixels, (3000, 3000)).shape",
        },
        makeContext(images, tightState),
      );
      expect(result.data).toMatchObject({ result: "(3000, 3000, 3)" });
    } finally {
      await tightTool.dispose?.(tightState);
      await tight.close();
    }
  });

  it("returns a traceback that points at the user's code only", async () => {
    const result = await run("def f(x):\n    return 1 / x\nf(0)");
    const data = result.data as { error?: string };
    expect(data.error).toContain("ZeroDivisionError");
    expect(data.error).toContain("return 1 / x");
    expect(data.error).not.toContain("driver.py");
    await tool.dispose?.(state);
  });

  it("returns matplotlib figures shown with plt.show()", async () => {
    const result = await run(
      "import matplotlib.pyplot as plt\nplt.plot([0, 1, 4, 9])\nplt.title('squares')\nplt.show()",
    );
    expect(result.images).toHaveLength(1);
    expect(result.images[0]?.mime).toBe("image/png");
    expect(result.images[0]?.provenance).toMatchObject({ kind: "tool", operation: "python" });
    expect(result.text).toContain(`Images: ${result.images[0]?.label}`);
    await tool.dispose?.(state);
  });

  it("runs code the DeepEyesV2 dialect re-indented (dialectOptions.reindentCode)", async () => {
    const dialect = getDialect("deepeyes-v2", {
      options: dialectOptionsSchema.parse({ reindentCode: true }),
    });
    const parsed = dialect.parse(
      {
        content: "<code>\n```python\nfor i in range(3):\nprint(i)\n```\n</code>",
        toolCalls: [],
        finishReason: "stop",
        usage: { promptTokens: 0, completionTokens: 0 },
      },
      { tools: [tool], images, question: "" },
    );
    const call = parsed.calls[0]!;
    const result = await tool.execute(call.arguments as { code: string }, makeContext(images, state));
    expect((result.data as { stdout: string }).stdout).toBe("0\n1\n2\n");
  });

  it.skipIf(!hasFixtures)("a crop of a JPEG photo equals the crop tool's crop of the same box", async () => {
    const input = await addFile(images, fixturePath("hires", "signicade.JPG"));
    const box = { left: 1200, top: 700, width: 640, height: 360 };
    const result = await run(
      `crop = image_1.crop((${box.left}, ${box.top}, ${box.left + box.width}, ${box.top + box.height}))\nshow(crop)\nimage_1.size`,
    );
    expect((result.data as { result?: string }).result).toBe(`(${input.width}, ${input.height})`);
    expect(result.images).toHaveLength(1);
    const produced = result.images[0]!;
    expect(produced).toMatchObject({ mime: "image/jpeg", width: box.width, height: box.height });
    expect(produced.provenance).toMatchObject({ parent: input.id });
    const cropped = await cropTool(imageConfigSchema.parse({})).execute(
      {
        image: input.label,
        box: [box.left, box.top, box.left + box.width, box.top + box.height],
        coordinates: "pixel",
        scale: 1,
      },
      makeContext(images, state, "call_crop"),
    );
    const fromPython = await sharp(images.bytes(produced.id)).raw().toBuffer();
    const fromCropTool = await sharp(images.bytes(cropped.images[0]!.id)).raw().toBuffer();
    expect(fromPython.equals(fromCropTool)).toBe(true);
    await tool.dispose?.(state);
  });

  it.skipIf(!hasFixtures)(
    "a crop of a PNG equals sharp's extract of the same box, pixel for pixel",
    async () => {
      const png = await sharp(fixturePath("hires", "signicade.JPG")).png().toBuffer();
      const input = images.add(
        new Uint8Array(png),
        { mime: "image/png", width: 4240, height: 2700 },
        { kind: "input", source: "signicade.png" },
      );
      const box = { left: 1200, top: 700, width: 640, height: 360 };
      const result = await run(
        `show(image_1.crop((${box.left}, ${box.top}, ${box.left + box.width}, ${box.top + box.height})))`,
      );
      expect(result.images).toHaveLength(1);
      const produced = result.images[0]!;
      expect(produced.mime).toBe("image/png");
      const fromPython = await sharp(images.bytes(produced.id)).removeAlpha().raw().toBuffer();
      const fromSharp = await sharp(images.bytes(input.id)).extract(box).raw().toBuffer();
      expect(fromPython.equals(fromSharp)).toBe(true);
      await tool.dispose?.(state);
    },
  );

  it.skipIf(!hasFixtures)("sees images other tools added later and returns saved files", async () => {
    await addFile(images, fixturePath("hires", "flag.JPG"));
    const first = await run("import os\nsorted(f for f in os.listdir('.') if f.startswith('image_'))");
    expect((first.data as { result?: string }).result).toBe("['image_1.jpg']");
    const small = await sharp({ create: { width: 32, height: 16, channels: 3, background: "red" } })
      .png()
      .toBuffer();
    makeContext(images, state).addImage(
      new Uint8Array(small),
      { mime: "image/png", width: 32, height: 16 },
      {
        operation: "test",
        parameters: {},
      },
    );
    const second = await run("image_2.size, image_2.getpixel((0, 0))");
    expect((second.data as { result?: string }).result).toBe("((32, 16), (255, 0, 0))");
    const saved = await run("image_2.resize((64, 32)).save('bigger.png')");
    expect(saved.images.map((image) => [image.width, image.height])).toEqual([[64, 32]]);
    await tool.dispose?.(state);
  });

  it("drops all-white images and says so", async () => {
    const result = await run("from PIL import Image\nshow(Image.new('RGB', (50, 50), 'white'))");
    expect(result.images).toHaveLength(0);
    expect((result.data as { stderr: string }).stderr).toContain("entirely white");
    await tool.dispose?.(state);
  });
});
