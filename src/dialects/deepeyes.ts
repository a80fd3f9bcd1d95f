import type { Message } from "../core/messages.js";
import type { ModelOutput } from "../core/model-output.js";
import { CallIds } from "./call-ids.js";
import { validateZoomBox } from "./deepeyes-box.js";
import type {
  Dialect,
  DialectContext,
  DialectRequestOptions,
  ParsedTurn,
  ToolCallOutcome,
} from "./dialect.js";
import {
  describeInputImages,
  hasTool,
  imagesThenQuestion,
  type ReadAction,
  readWrittenCall,
} from "./dialect-support.js";
import { PartsBuilder } from "./parts-builder.js";
import type { TagMatch } from "./tag-scanner.js";
import { finalAnswerTurn, parseTagTurn, type TagGrammar, tagAssistantMessage } from "./tag-turn.js";
import { readJsonTolerantly } from "./tolerant-json.js";

const zoomToolName = "image_zoom_in_tool";

/** The tool as DeepEyes knows it, in the function-spec shape its chat template lists. */
const zoomToolSpec = {
  type: "function",
  function: {
    name: zoomToolName,
    description: "Zoom in on a region of the image by cropping it; the crop is shown to you.",
    parameters: {
      type: "object",
      properties: {
        bbox_2d: {
          type: "array",
          items: { type: "number" },
          minItems: 4,
          maxItems: 4,
          description: "The region as [x1, y1, x2, y2]: absolute pixel coordinates in the original image.",
        },
        label: { type: "string", description: "What the region contains." },
      },
      required: ["bbox_2d"],
    },
  },
};

/**
 * DeepEyes v1: one zoom tool called as `<tool_call>{"name": "image_zoom_in_tool", "arguments":
 * {"bbox_2d": [..], "label": ".."}}</tool_call>` with pixel boxes of the original first image,
 * checked like upstream before the crop runs; the crop comes back inside `<tool_response>`.
 */
export class DeepEyesDialect implements Dialect {
  readonly name = "deepeyes" as const;
  readonly supportedTools = ["crop"];
  readonly defaultTools = ["crop"];
  readonly #ids = new CallIds();
  readonly #grammar: TagGrammar = {
    reasoningTags: ["think"],
    answerTag: "answer",
    callTag: "tool_call",
    actions: { tool_call: (match, context) => [this.#readToolCall(match, context)] },
  };

  systemPrompt(context: DialectContext): string {
    const lines = [
      "You are a visual reasoning assistant. Think inside <think>...</think> before each action, and give the final answer inside <answer>...</answer>.",
      describeInputImages(context),
    ];
    if (hasTool(context, "crop")) {
      lines.push(
        "",
        "You may call this function to look closer at part of the image:",
        `<tools>\n${JSON.stringify(zoomToolSpec)}\n</tools>`,
        "",
        "To call it, write a JSON object with the function name and arguments inside <tool_call></tool_call> tags, then stop:",
        `<tool_call>\n{"name": "${zoomToolName}", "arguments": {"bbox_2d": [x1, y1, x2, y2], "label": "..."}}\n</tool_call>`,
        "Coordinates are absolute pixels of the original image. The zoomed view comes back inside <tool_response>.",
      );
    }
    return lines.join("\n");
  }

  requestOptions(): DialectRequestOptions {
    return { stop: ["</tool_call>"] };
  }

  userTurn = imagesThenQuestion;

  parse(output: ModelOutput, context: DialectContext): ParsedTurn {
    return parseTagTurn(output, context, this.#grammar, this.#ids);
  }

  assistantMessage(output: ModelOutput): Message {
    return tagAssistantMessage(output, this.#grammar.callTag);
  }

  observations(outcomes: readonly ToolCallOutcome[], _context?: DialectContext): Message[] {
    const turn = new PartsBuilder();
    outcomes.forEach((outcome, index) => {
      turn.text(`${index > 0 ? "\n" : ""}<tool_response>\n`);
      if (outcome.result.isError || outcome.result.images.length === 0) turn.text(`${outcome.result.text}\n`);
      for (const image of outcome.result.images) turn.image(image.id).text("\n");
      turn.text("</tool_response>");
    });
    return turn.isEmpty ? [] : [turn.message()];
  }

  finalAnswerRequest(reason: string): Message {
    return finalAnswerTurn(reason, "inside <answer>...</answer>");
  }

  #readToolCall(match: TagMatch, context: DialectContext): ReadAction {
    const id = this.#ids.next();
    const raw = match.raw;
    const json = readJsonTolerantly(match.body);
    const written = json.ok ? readWrittenCall(json.value) : `the JSON could not be read (${json.message})`;
    if (typeof written === "string")
      return { id, raw, message: `Error: unreadable <tool_call>: ${written}.` };
    if (written.name !== zoomToolName || !hasTool(context, "crop")) {
      const available = hasTool(context, "crop") ? zoomToolName : "none (answer directly)";
      return {
        id,
        raw,
        name: written.name,
        message: `Error: the tool "${written.name}" is not available. Available tools: ${available}.`,
      };
    }
    const original = context.images.list()[0];
    if (!original) return { id, raw, name: "crop", message: "Error: there is no image to zoom into." };
    const box = validateZoomBox(written.arguments.bbox_2d, original.width, original.height);
    if (typeof box === "string") return { id, raw, name: "crop", message: `Error: ${box}` };
    const label =
      typeof written.arguments.label === "string" ? { label: written.arguments.label.slice(0, 200) } : {};
    return {
      id,
      raw,
      name: "crop",
      arguments: { image: original.label, box, coordinates: "pixel", ...label },
    };
  }
}
