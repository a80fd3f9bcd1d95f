import type { AnyTool } from "../../core/tool.js";

/**
 * A plan step's parameters as its tool's arguments. The R1V4 planner writes singular parameters
 * (`{"query"}`, `{"url"}`, `{"image_path"}`) where Loupe's tools take lists (`queries`, `urls`,
 * `images`); parameters that already fit the tool's schema are used as they are. An image path
 * that names no image of the run (the planner sees none: "image path", "/data/images/x.png",
 * "<image>") means the input image, image_1.
 */
export function toolArguments(
  tool: AnyTool,
  parameters: Record<string, unknown>,
  imageLabels: readonly string[],
): unknown {
  if (tool.parameters.safeParse(parameters).success) return parameters;
  const mapped: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(parameters)) {
    const alias = singularAliases[key];
    if (alias && !(alias in parameters)) {
      const list = Array.isArray(value) ? value : [value];
      mapped[alias] = alias === "images" ? list.map((item) => imageLabel(item, imageLabels)) : list;
    } else mapped[key] = value;
  }
  return mapped;
}

const singularAliases: Record<string, string> = {
  query: "queries",
  url: "urls",
  image_path: "images",
  image_paths: "images",
  image: "images",
};

function imageLabel(value: unknown, labels: readonly string[]): unknown {
  if (typeof value !== "string") return value;
  const trimmed = value.trim();
  if (labels.includes(trimmed)) return trimmed;
  const subImage = /^<?sub-image\s*(\d+)>?$/i.exec(trimmed);
  // <sub-image N> is the N-th image produced in the run: the input images come first.
  if (subImage) return labels[Number(subImage[1])] ?? labels[0] ?? "image_1";
  return labels[0] ?? "image_1";
}

/** Why arguments do not fit the tool, one line per problem, or undefined when they do. */
export function argumentProblems(tool: AnyTool, args: unknown): string | undefined {
  const parsed = tool.parameters.safeParse(args);
  if (parsed.success) return undefined;
  return parsed.error.issues
    .map((issue) => `${issue.path.join(".") || "parameters"}: ${issue.message}`)
    .join("; ");
}
