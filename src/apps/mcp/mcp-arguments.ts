import { z } from "zod";
import type { AnyTool } from "../../core/tool.js";

/** An image as MCP carries one: base64 data and its MIME type (the shape of MCP image content). */
export const mcpImageContent = z.object({
  type: z.literal("image"),
  data: z.string().min(1).describe("The image's bytes, base64-encoded."),
  mimeType: z.string().min(1).describe("image/png, image/jpeg, ..."),
});
export type McpImageContent = z.infer<typeof mcpImageContent>;

/** Every way an MCP client may name an image: in the session, as MCP image content, a path or a URL. */
export const imageSource = z.union([z.string().min(1), z.number().int(), mcpImageContent]);
export type ImageSource = z.infer<typeof imageSource>;

const imageSourceDescription =
  'An image of this session by its label ("image_2", as results name them), MCP image content ' +
  '({"type": "image", "data": base64, "mimeType": "image/png"}), a file path, or an http(s) or data: URL. ' +
  "Default: the session's first image.";

/**
 * The argument schema a tool gets over MCP: the tool's own, with its image arguments (`image`,
 * and `images` lists such as image_search's) widened to every ImageSource. The tool's own schema
 * still checks the arguments once the images are in the session (mcp-session.ts), so its limits
 * and defaults hold as for the agent.
 */
export function mcpInputSchema(tool: AnyTool): z.ZodType {
  const { parameters } = tool;
  if (!(parameters instanceof z.ZodObject)) return parameters;
  const shape = { ...parameters.shape } as Record<string, z.ZodType>;
  if ("image" in shape) shape.image = imageSource.optional().describe(imageSourceDescription);
  if ("images" in shape)
    shape.images = z
      .array(z.union([z.string().min(1), mcpImageContent]))
      .optional()
      .describe(`Images to use, each as for "image": ${imageSourceDescription}`);
  return z.object(shape);
}

/** The image arguments of a call, wherever the tool has them, so they can be brought into the session. */
export function imageArgumentsOf(args: Record<string, unknown>): { image?: unknown; images?: unknown[] } {
  return {
    ...("image" in args ? { image: args.image } : {}),
    ...(Array.isArray(args.images) ? { images: args.images } : {}),
  };
}

/** "box: Too small: expected array to have >=4 items": one line per bad field, naming it. */
export function describeArgumentIssues(tool: string, error: z.ZodError): string {
  const lines = error.issues.map((issue) => `${issue.path.join(".") || "(arguments)"}: ${issue.message}`);
  return `Invalid arguments for ${tool}: ${lines.join("; ")}.`;
}
