import type { Message } from "../core/messages.js";
import type { ModelOutput } from "../core/model-output.js";
import type { ToolResult } from "../core/tool.js";
import { CallIds } from "./call-ids.js";
import { extractCode } from "./code-block.js";
import type {
  Dialect,
  DialectContext,
  DialectRequestOptions,
  ParsedTurn,
  ToolCallOutcome,
} from "./dialect.js";
import {
  codeOutputText,
  describeInputImages,
  hasTool,
  imagesThenQuestion,
  type ReadAction,
  readWrittenCall,
  toolJsonSchema,
  unavailableTool,
} from "./dialect-support.js";
import { PartsBuilder } from "./parts-builder.js";
import type { TagMatch } from "./tag-scanner.js";
import { finalAnswerTurn, parseTagTurn, type TagGrammar, tagAssistantMessage } from "./tag-turn.js";
import { readJsonTolerantly } from "./tolerant-json.js";

/**
 * ARTIST: `<think>` reasoning, `<python>` code whose result the runtime writes back as
 * `<output>`, and `<answer>`. The function-calling variant reasons in `<reasoning>` and calls any
 * enabled tool with `<tool>{"name", "arguments"}</tool>`; both are accepted.
 */
export class ArtistDialect implements Dialect {
  readonly name = "artist" as const;
  readonly supportedTools = [
    "python",
    "crop",
    "rotate",
    "flip",
    "resize",
    "enhance",
    "annotate",
    "ocr",
    "text_search",
    "image_search",
    "web_visit",
  ];
  readonly defaultTools = ["python"];
  readonly #ids = new CallIds();
  readonly #grammar: TagGrammar = {
    reasoningTags: ["think", "reasoning"],
    answerTag: "answer",
    callTag: "tool",
    actions: {
      python: (match, context) => [this.#readPython(match, context)],
      tool: (match, context) => [this.#readTool(match, context)],
    },
  };

  systemPrompt(context: DialectContext): string {
    const lines = [
      "Solve the user's task step by step. Reason inside <think>...</think>, use tools when they help, and put the final answer inside <answer>...</answer>.",
      describeInputImages(context),
    ];
    if (hasTool(context, "python")) {
      lines.push(
        "",
        "To run Python, write the code inside <python>...</python> and stop. Its output is returned inside <output>...</output>.",
        "The session keeps its variables between runs; the input images are preloaded as PIL images named image_1, image_2, ... Boxes are (left, top, right, bottom) in pixels.",
      );
    }
    const others = context.tools.filter((tool) => tool.name !== "python");
    if (others.length > 0) {
      lines.push(
        "",
        'To call another tool, write <tool>{"name": "<tool name>", "arguments": {...}}</tool> and stop; its result is returned inside <output>...</output>. Tools:',
      );
      for (const tool of others) {
        lines.push(
          `- ${tool.name}: ${tool.description} Arguments (JSON schema): ${JSON.stringify(toolJsonSchema(tool))}`,
        );
      }
      lines.push(
        'Image arguments name an image such as "image_1". Boxes are [x1, y1, x2, y2] in pixels unless "coordinates" says "fraction" or "qwen1000".',
      );
    }
    return lines.join("\n");
  }

  requestOptions(): DialectRequestOptions {
    return { stop: ["</python>", "</tool>"] };
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
      turn.text(`${index > 0 ? "\n" : ""}<output>\n${outputText(outcome.result)}`);
      for (const image of outcome.result.images) turn.text(`\n${image.label}:`).image(image.id);
      turn.text("\n</output>");
    });
    return turn.isEmpty ? [] : [turn.message()];
  }

  finalAnswerRequest(reason: string): Message {
    return finalAnswerTurn(reason, "inside <answer>...</answer>");
  }

  #readPython(match: TagMatch, context: DialectContext): ReadAction {
    const id = this.#ids.next();
    if (!hasTool(context, "python"))
      return unavailableTool(id, match.raw, "python", this.#available(context));
    const code = extractCode(match.body);
    if (!code.trim())
      return { id, raw: match.raw, name: "python", message: "Error: the <python> block is empty." };
    return { id, raw: match.raw, name: "python", arguments: { code } };
  }

  #readTool(match: TagMatch, context: DialectContext): ReadAction {
    const id = this.#ids.next();
    const json = readJsonTolerantly(match.body);
    const written = json.ok ? readWrittenCall(json.value) : `the JSON could not be read (${json.message})`;
    if (typeof written === "string") {
      return {
        id,
        raw: match.raw,
        message: `Error: unreadable <tool> call: ${written}. Write <tool>{"name": "...", "arguments": {...}}</tool>.`,
      };
    }
    if (!hasTool(context, written.name))
      return unavailableTool(id, match.raw, written.name, this.#available(context));
    return { id, raw: match.raw, name: written.name, arguments: written.arguments };
  }

  #available(context: DialectContext): string[] {
    return context.tools.map((tool) => tool.name);
  }
}

function outputText(result: ToolResult): string {
  if (result.data?.kind !== "code") return result.text;
  const stderr = result.data.stderr.trim();
  const text = codeOutputText(result.data);
  return [text, stderr].filter(Boolean).join("\n");
}
