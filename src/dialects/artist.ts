import type { CallIds } from "./call-ids.js";
import { extractCode } from "./code-block.js";
import type { DialectContext, DialectSettings, ToolCallOutcome } from "./dialect.js";
import {
  codeOutputText,
  composePrompt,
  defaultResultText,
  enabledToolNames,
  hasTool,
  type ReadAction,
  readCallTagBody,
  toolJsonSchema,
  unavailableTool,
} from "./dialect-support.js";
import type { PartsBuilder } from "./parts-builder.js";
import { pythonCall } from "./shared-actions.js";
import { TagDialect } from "./tag-dialect.js";
import type { TagMatch } from "./tag-scanner.js";

/**
 * ARTIST: `<think>` reasoning, `<python>` code whose result the runtime writes back as
 * `<output>`, and `<answer>`. The function-calling variant reasons in `<reasoning>` and calls any
 * enabled tool with `<tool>{"name", "arguments"}</tool>`; both are accepted.
 */
export class ArtistDialect extends TagDialect {
  constructor(settings: DialectSettings = {}) {
    super(
      {
        name: "artist",
        // `<tool>{"name", "arguments"}</tool>` carries any registered tool.
        supportedTools: "any",
        defaultTools: ["python"],
        grammar: {
          reasoningTags: ["think", "reasoning"],
          answerTag: "answer",
          callTag: "tool",
          actions: {
            python: (match, context, ids) => [readPython(match, context, ids)],
            tool: (match, context, ids) => [readTool(match, context, ids)],
          },
        },
        systemPrompt,
        defaultPack: { tools: { "*": { prefix: "<output>\n", suffix: "\n</output>" } } },
        renderOutcome,
      },
      settings,
    );
  }
}

function systemPrompt(context: DialectContext): string {
  const others = context.tools.filter((tool) => tool.name !== "python");
  return composePrompt(
    "Solve the user's task step by step. Reason inside <think>...</think>, use tools when they help, and put the final answer inside <answer>...</answer>.",
    context,
    [
      hasTool(context, "python") && [
        "",
        "To run Python, write the code inside <python>...</python> and stop. Its output is returned inside <output>...</output>.",
        "The session keeps its variables between runs; the input images are preloaded as PIL images named image_1, image_2, ... Boxes are (left, top, right, bottom) in pixels.",
      ],
      others.length > 0 && [
        "",
        'To call another tool, write <tool>{"name": "<tool name>", "arguments": {...}}</tool> and stop; its result is returned inside <output>...</output>. Tools:',
        ...others.map(
          (tool) =>
            `- ${tool.name}: ${tool.description} Arguments (JSON schema): ${JSON.stringify(toolJsonSchema(tool))}`,
        ),
        'Image arguments name an image such as "image_1". Boxes are [x1, y1, x2, y2] in full-size pixels unless "coordinates" says "view" (pixels as shown to you), "fraction" or "qwen1000".',
      ],
    ],
  );
}

function readPython(match: TagMatch, context: DialectContext, ids: CallIds): ReadAction {
  const id = ids.next();
  if (!hasTool(context, "python")) return unavailableTool(id, match.raw, "python", enabledToolNames(context));
  return pythonCall(id, match.raw, extractCode(match.body), "Error: the <python> block is empty.");
}

/** The function-calling variant names Loupe tools directly and passes their arguments through. */
function readTool(match: TagMatch, context: DialectContext, ids: CallIds): ReadAction {
  const id = ids.next();
  const written = readCallTagBody(match.body);
  if (typeof written === "string") {
    return {
      id,
      raw: match.raw,
      message: `Error: unreadable <tool> call: ${written}. Write <tool>{"name": "...", "arguments": {...}}</tool>.`,
    };
  }
  if (!hasTool(context, written.name))
    return unavailableTool(id, match.raw, written.name, enabledToolNames(context));
  return { id, raw: match.raw, name: written.name, arguments: written.arguments };
}

function renderOutcome(turn: PartsBuilder, outcome: ToolCallOutcome, context: DialectContext): void {
  turn.text(outputText(outcome, context));
  for (const image of outcome.result.images) turn.text(`\n${image.label}:`).image(image.id);
}

function outputText(outcome: ToolCallOutcome, context: DialectContext): string {
  const { result } = outcome;
  if (result.data?.kind !== "code") return defaultResultText(outcome, context);
  const stderr = result.data.stderr.trim();
  const text = codeOutputText(result.data);
  return [text, stderr].filter(Boolean).join("\n");
}
