import type { DialectOptions } from "../core/config.js";
import type { CallIds } from "./call-ids.js";
import { checkZoomBox, coordinateExtent } from "./deepeyes-box.js";
import type { DialectContext, DialectSettings, ParsedTurn, ToolCallOutcome } from "./dialect.js";
import {
  composePrompt,
  hasTool,
  optionsBlock,
  type ReadAction,
  readCallTagBody,
  unavailableTool,
} from "./dialect-support.js";
import type { PartsBuilder } from "./parts-builder.js";
import type { PromptPack } from "./prompt-pack.js";
import { TagDialect } from "./tag-dialect.js";
import type { TagMatch } from "./tag-scanner.js";

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
          description: "The region as [x1, y1, x2, y2]: absolute pixel coordinates in the image.",
        },
        label: { type: "string", description: "What the region contains." },
      },
      required: ["bbox_2d"],
    },
  },
};

/** Loupe's wording of the instruction DeepEyes reads after the question and after every crop. */
const instruction =
  "\nReason inside <think>...</think>. When a detail is too small to see, call image_zoom_in_tool inside <tool_call>...</tool_call>; once you can tell, answer inside <answer>...</answer>. ";

/** Loupe's wording; the layout (options block, instruction inside <tool_response>) is upstream's. */
const defaultPack: PromptPack = {
  user: `{{images}}Question: {{question}}\n{{options_block}}${instruction}`,
  tools: { crop: { prefix: "<tool_response>", suffix: `${instruction}</tool_response>` } },
  error: { prefix: "", suffix: "" },
};

/**
 * DeepEyes v1: one zoom tool called as `<tool_call>{"name": "image_zoom_in_tool", "arguments":
 * {"bbox_2d": [..], "label": ".."}}</tool_call>`, its box in the coordinate space the profile
 * names (pixels of the image as the model saw it, for the DeepEyes profiles), mapped onto the
 * original and checked as the profile's upstream stage checks it; one zoom runs per turn; the
 * crop comes back inside `<tool_response>` followed by the instruction, as upstream.
 */
export class DeepEyesDialect extends TagDialect {
  constructor(settings: DialectSettings = {}) {
    super(
      {
        name: "deepeyes",
        supportedTools: ["crop"],
        defaultTools: ["crop"],
        grammar: {
          reasoningTags: ["think"],
          answerTag: "answer",
          callTag: "tool_call",
          actions: { tool_call: (match, context, ids) => [readToolCall(match, context, ids, this.options)] },
        },
        systemPrompt,
        defaultPack,
        // eval_vstar.py's layout: "Options:" then a line per option, then a blank line.
        extraValues: (values) => ({ options_block: values.options_lines ? `${optionsBlock(values)}\n` : "" }),
        renderOutcome,
        refineTurn: oneZoomPerTurn,
      },
      settings,
    );
  }
}

function systemPrompt(context: DialectContext): string {
  return composePrompt(
    "You are a visual reasoning assistant. Think inside <think>...</think> before each action, and give the final answer inside <answer>...</answer>.",
    context,
    [
      hasTool(context, "crop") && [
        "",
        "You may call this function to look closer at part of the image:",
        `<tools>\n${JSON.stringify(zoomToolSpec)}\n</tools>`,
        "",
        "To call it, write a JSON object with the function name and arguments inside <tool_call></tool_call> tags, then stop:",
        `<tool_call>\n{"name": "${zoomToolName}", "arguments": {"bbox_2d": [x1, y1, x2, y2], "label": "..."}}\n</tool_call>`,
        "Coordinates are absolute pixels of the image as you see it. The zoomed view comes back inside <tool_response>.",
      ],
    ],
  );
}

/** Maps a zoom call onto a crop of the first image, checked by the profile's box rules. */
function readToolCall(
  match: TagMatch,
  context: DialectContext,
  ids: CallIds,
  options: DialectOptions,
): ReadAction {
  const id = ids.next();
  const raw = match.raw;
  const written = readCallTagBody(match.body);
  if (typeof written === "string") return { id, raw, message: `Error: unreadable <tool_call>: ${written}.` };
  if (written.name !== zoomToolName || !hasTool(context, "crop"))
    return unavailableTool(id, raw, written.name, hasTool(context, "crop") ? [zoomToolName] : []);
  const original = context.images.list()[0];
  if (!original) return { id, raw, name: "crop", message: "Error: there is no image to zoom into." };
  const space = coordinateExtent(options.boxCoordinates, original, context);
  const box = checkZoomBox(written.arguments.bbox_2d, space, options.boxRules);
  if (typeof box === "string") return { id, raw, name: "crop", message: `Error: ${box}` };
  const label =
    typeof written.arguments.label === "string" ? { label: written.arguments.label.slice(0, 200) } : {};
  const scale = options.cropZoom === "none" ? { scale: 1 } : {};
  return {
    id,
    raw,
    name: "crop",
    arguments: { image: original.label, box, coordinates: options.boxCoordinates, ...scale, ...label },
  };
}

/**
 * Upstream runs one zoom per turn: its RL tool the last `<tool_call>`, its eval scripts the first
 * (the profile's actionChoice); the others are dropped unseen, as there (a model that repeats its
 * call is not answered twice).
 */
function oneZoomPerTurn(turn: ParsedTurn, options: DialectOptions): ParsedTurn {
  if (turn.calls.length <= 1) return turn;
  const chosen = options.actionChoice === "first" ? turn.calls[0] : turn.calls[turn.calls.length - 1];
  return { ...turn, calls: chosen ? [chosen] : [] };
}

/** The crop itself; its text only when there is no crop to show (or the call failed). */
function renderOutcome(turn: PartsBuilder, { result }: ToolCallOutcome): void {
  if (result.isError || result.images.length === 0) turn.text(result.text);
  for (const image of result.images) turn.image(image.id);
}
