import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { imageConfigSchema } from "../../src/core/config.js";
import { ImageSet } from "../../src/core/image-set.js";
import type { ImageRef } from "../../src/core/images.js";
import type { ModelOutput } from "../../src/core/model-output.js";
import { searchConfigSchema } from "../../src/core/search-config.js";
import type { AnyTool } from "../../src/core/tool.js";
import type { DialectContext } from "../../src/dialects/dialect.js";
import { createSearchServices } from "../../src/search/search-services.js";
import { imageTools } from "../../src/tools/image/index.js";
import { pythonTool } from "../../src/tools/python/index.js";
import { searchTools } from "../../src/tools/search/index.js";

/**
 * Test support for dialect tests, never imported by production code (so, like a test file, it may
 * reach past the layering into tools/). Dialects read a tool's name, description and schema; these
 * are Loupe's real tools, so a dialect test checks the arguments the real tool will accept. They
 * are never executed here: the search services open nothing until a search runs, the Python
 * sandbox starts only on a first call, and the local index points at an empty temporary folder.
 */
let realTools: AnyTool[] | undefined;

export function loupeTools(): AnyTool[] {
  realTools ??= [
    ...imageTools(imageConfigSchema.parse({})),
    pythonTool(),
    ...searchTools(
      createSearchServices(
        searchConfigSchema.parse({
          cache: { enabled: false },
          localIndex: { path: join(mkdtempSync(join(tmpdir(), "loupe-dialect-tests-")), "index.sqlite") },
        }),
      ),
    ),
  ];
  return realTools;
}

/** The tools a dialect can express, by name: its own list, or every real tool for "any". */
export function expressibleTools(dialect: { supportedTools: readonly string[] | "any" }): string[] {
  return dialect.supportedTools === "any"
    ? loupeTools().map((tool) => tool.name)
    : [...dialect.supportedTools];
}

/** The names of a dialect's default tools among Loupe's real ones (a list, or the kinds it takes). */
export function defaultToolsOf(dialect: {
  defaultTools: readonly string[] | { kinds: readonly string[] };
}): string[] {
  const defaults = dialect.defaultTools;
  if (Array.isArray(defaults)) return [...defaults];
  const { kinds } = defaults as { kinds: readonly string[] };
  return loupeTools()
    .filter((tool) => tool.kind !== undefined && kinds.includes(tool.kind))
    .map((tool) => tool.name);
}

/** The real tools with these names, in this order; an unknown name is a bug in the test. */
export function testTools(...names: string[]): AnyTool[] {
  return names.map((name) => {
    const tool = loupeTools().find((candidate) => candidate.name === name);
    if (!tool) throw new Error(`Loupe has no tool named ${name}`);
    return tool;
  });
}

/** Bytes that stand in for an encoded image: dialects never decode them, only the facts matter. */
function standInBytes(seed: number): Uint8Array {
  return Uint8Array.from({ length: 32 }, (_, index) => (seed * 31 + index) % 256);
}

/** An ImageSet with two input images: image_1 is 1000x800, image_2 is 640x480. */
export function testImages(): ImageSet {
  const images = new ImageSet();
  images.add(
    standInBytes(1),
    { mime: "image/png", width: 1000, height: 800 },
    { kind: "input", source: "a.png" },
  );
  images.add(
    standInBytes(2),
    { mime: "image/jpeg", width: 640, height: 480 },
    { kind: "input", source: "b.jpg" },
  );
  return images;
}

/** Adds an image as a tool would, returning its reference (image_3, image_4, ...). */
export function addProducedImage(
  images: ImageSet,
  seed: number,
  width = 200,
  height = 100,
  operation = "show",
): ImageRef {
  return images.add(
    standInBytes(100 + seed),
    { mime: "image/png", width, height },
    { kind: "tool", tool: "python", operation, parameters: {}, callId: "call_x", step: 1 },
  );
}

export function testContext(toolNames: readonly string[], images = testImages()): DialectContext {
  return { tools: testTools(...toolNames), images, question: "What is written on the sign?" };
}

export function modelOutput(content: string, extra: Partial<ModelOutput> = {}): ModelOutput {
  return {
    content,
    toolCalls: [],
    finishReason: "stop",
    usage: { promptTokens: 0, completionTokens: 0 },
    ...extra,
  };
}
