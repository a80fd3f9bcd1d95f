import type { ToolResult } from "../../core/tool.js";
import type { ToolOutputData } from "../../core/tool-output.js";

/** How a step ended: with a result, with nothing found, or with an error (both make a replan). */
export type StepStatus = "done" | "empty" | "failed";

export interface StepResult {
  number: number;
  status: StepStatus;
  /** What later steps and the final answer read. */
  text: string;
  data?: ToolOutputData;
  imageIds: string[];
  /** Why a step failed or came back empty. */
  note?: string;
}

/**
 * A tool result's status: an error is a failure; a search whose every list is empty, a page
 * with no content, or no text at all is empty. Either way the plan cannot go on as written.
 */
export function toolResultStatus(result: ToolResult): { status: StepStatus; note?: string } {
  if (result.isError) return { status: "failed", note: firstLine(result.text) };
  const data = result.data;
  if (data?.kind === "text-search" || data?.kind === "image-search") {
    if (data.results.every((list) => list.length === 0))
      return { status: "empty", note: "the search found nothing" };
  }
  if (data?.kind === "web-visit" && data.pages.every((page) => page.content.trim() === ""))
    return { status: "empty", note: "the page has no content" };
  if (result.text.trim() === "" && result.images.length === 0)
    return { status: "empty", note: "the tool returned nothing" };
  return { status: "done" };
}

function firstLine(text: string): string {
  return (text.split("\n")[0] ?? "").slice(0, 300);
}
