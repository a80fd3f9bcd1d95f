import { z } from "zod";
import { ImageSet } from "../core/image-set.js";
import type { ImageRef } from "../core/images.js";
import type { ModelOutput } from "../core/model-output.js";
import type { AnyTool, ToolResult } from "../core/tool.js";
import type { DialectContext } from "./dialect.js";

/**
 * Tool objects with the argument schemas of Loupe's canonical tools, for dialect tests: dialects
 * only read a tool's name, description and schema, never run it. Executing one is a test bug.
 */
const image = z.string().optional().describe('image label such as "image_1"; default the first image');
const coordinates = z.enum(["pixel", "fraction", "qwen1000"]).default("pixel");
const box = z.tuple([z.number(), z.number(), z.number(), z.number()]);

const schemas: Record<string, z.ZodType> = {
  crop: z.object({ image, box, coordinates, label: z.string().optional() }),
  rotate: z.object({ image, degrees: z.number() }),
  flip: z.object({ image, axis: z.enum(["horizontal", "vertical"]) }),
  resize: z.object({
    image,
    width: z.number().optional(),
    height: z.number().optional(),
    scale: z.number().optional(),
  }),
  enhance: z.object({ image, contrast: z.number().optional(), sharpen: z.boolean().optional() }),
  annotate: z.object({ image, boxes: z.array(box) }),
  ocr: z.object({ image, box: box.optional(), coordinates: coordinates.optional() }),
  python: z.object({ code: z.string().min(1) }),
  text_search: z.object({ queries: z.array(z.string()).min(1) }),
  image_search: z.object({ images: z.array(z.string()).optional(), query: z.string().optional() }),
  web_visit: z.object({ urls: z.array(z.string()).min(1), goal: z.string().optional() }),
};

export function testTool(name: string): AnyTool {
  const parameters = schemas[name];
  if (!parameters) throw new Error(`no test schema for ${name}`);
  return {
    name,
    description: `The ${name} tool.`,
    parameters,
    async execute(): Promise<ToolResult> {
      throw new Error(`dialect tests never execute tools (${name})`);
    },
  };
}

export function testTools(...names: string[]): AnyTool[] {
  return names.map(testTool);
}

export const allTestToolNames = Object.keys(schemas);

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
export function addProducedImage(images: ImageSet, seed: number, width = 200, height = 100): ImageRef {
  return images.add(
    standInBytes(100 + seed),
    { mime: "image/png", width, height },
    { kind: "tool", tool: "python", operation: "show", parameters: {}, callId: "call_x", step: 1 },
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
