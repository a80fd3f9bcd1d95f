import type { ImageRef } from "../../core/images.js";
import type { ToolOutputData } from "../../core/tool-output.js";

type CodeData = Extract<ToolOutputData, { kind: "code" }>;

/**
 * The plain rendering of a code result (native function calling and any dialect without its own
 * format): each part under a heading, only the parts that exist, and the produced images by label.
 */
export function renderCodeResult(data: CodeData, images: readonly ImageRef[]): string {
  const parts: string[] = [];
  if (data.restarted) parts.push("Note: the Python session was restarted; earlier variables are gone.");
  if (data.stdout.trim()) parts.push(`stdout:\n${data.stdout.replace(/\n$/, "")}`);
  if (data.stderr.trim()) parts.push(`stderr:\n${data.stderr.replace(/\n$/, "")}`);
  if (data.result !== undefined) parts.push(`Result: ${data.result}`);
  if (data.error) parts.push(`Error:\n${data.error.replace(/\n$/, "")}`);
  if (images.length > 0) {
    const names = images.map((image) => `${image.label} (${image.width}x${image.height})`).join(", ");
    parts.push(`Images: ${names}`);
  }
  if (parts.length === 0) return "Code ran with no output.";
  return parts.join("\n\n");
}
