import { imageConfigSchema } from "./config.js";
import { ImageSet } from "./image-set.js";
import type { RunImageView, ToolContext } from "./tool.js";

/** The view of a run that sets none: Loupe's default model view, originals in Python. */
export function defaultRunImageView(): RunImageView {
  return { modelView: imageConfigSchema.parse({}).modelView, pythonImages: "original" };
}

/**
 * The one way a ToolContext is built: images a tool adds get the provenance of this call (tool,
 * call id, step). The agent builds one per call; tests and benchmarks build theirs the same way.
 */
export function createToolContext(options: {
  tool: string;
  callId?: string;
  step?: number;
  images?: ImageSet;
  state?: Map<string, unknown>;
  signal?: AbortSignal;
  question?: string;
  view?: RunImageView;
  reportUsage?: ToolContext["reportUsage"];
}): ToolContext {
  const images = options.images ?? new ImageSet();
  const callId = options.callId ?? "call_1";
  const step = options.step ?? 1;
  return {
    view: options.view ?? defaultRunImageView(),
    images,
    addImage: (bytes, facts, origin) =>
      images.add(bytes, facts, {
        kind: "tool",
        tool: options.tool,
        operation: origin.operation,
        parameters: origin.parameters,
        parent: origin.parent,
        callId,
        step,
      }),
    signal: options.signal ?? new AbortController().signal,
    callId,
    step,
    question: options.question ?? "",
    state: options.state ?? new Map(),
    reportUsage: options.reportUsage ?? (() => {}),
  };
}
