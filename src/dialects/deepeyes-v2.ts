import type { ImageRef } from "../core/images.js";
import type { Message } from "../core/messages.js";
import type { ModelOutput } from "../core/model-output.js";
import type { ToolResult } from "../core/tool.js";
import { CallIds } from "./call-ids.js";
import { extractCode, reindentPythonLikeDeepEyes } from "./code-block.js";
import type {
  ActionError,
  Dialect,
  DialectContext,
  DialectRequestOptions,
  ParsedTurn,
  ToolCallOutcome,
} from "./dialect.js";
import {
  asStringList,
  codeOutputText,
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

export interface DeepEyesV2Options {
  /** Re-indent code like DeepEyesV2's runtime before running it (see reindentPythonLikeDeepEyes). */
  reindent?: boolean;
}

/** DeepEyesV2 shows at most this many images per code result. */
const imagesPerRound = 10;

/**
 * DeepEyesV2: `<think>`, `<code>` holding a fenced Python block, `<tool_call>` for text search
 * ("search") and image search ("image_search", on the input image), and `<answer>`. One kind of
 * tool per turn; of several `<code>` blocks only the last runs, as upstream.
 */
export class DeepEyesV2Dialect implements Dialect {
  readonly name = "deepeyes-v2" as const;
  readonly supportedTools = ["python", "text_search", "image_search"];
  readonly defaultTools = ["python", "text_search", "image_search"];
  readonly #ids = new CallIds();
  readonly #reindent: boolean;
  readonly #grammar: TagGrammar = {
    reasoningTags: ["think"],
    answerTag: "answer",
    callTag: "tool_call",
    actions: {
      code: (match, context) => [this.#readCode(match, context)],
      tool_call: (match, context) => [this.#readToolCall(match, context)],
    },
  };

  constructor(options: DeepEyesV2Options = {}) {
    this.#reindent = options.reindent ?? false;
  }

  systemPrompt(context: DialectContext): string {
    const lines = [
      "You are a visual reasoning assistant. Think step by step inside <think>...</think>, use tools when they help, and give the final answer inside <answer>...</answer>.",
      describeInputImages(context),
    ];
    if (hasTool(context, "python")) {
      lines.push(
        "",
        "To run Python, write a fenced block inside <code>, then stop:",
        "<code>\n```python\n# your code\n```\n</code>",
        "The input images are preloaded as PIL images in the variables image_1, image_2, ... The interpreter keeps its variables between turns. Boxes for PIL's crop are (left, top, right, bottom) in pixels of the image. Show images with plt.show(); do not write files. The result comes back as stdout, stderr and images.",
      );
    }
    if (hasTool(context, "text_search")) {
      lines.push(
        "",
        'To search the web by text: <tool_call>{"name": "search", "arguments": {"query": "..."}}</tool_call>',
      );
    }
    if (hasTool(context, "image_search")) {
      lines.push(
        "",
        'To search the web with the input image: <tool_call>{"name": "image_search"}</tool_call>',
      );
    }
    if (context.tools.length > 0)
      lines.push("", "Use only one kind of tool per turn. Search results come back inside <tool_response>.");
    return lines.join("\n");
  }

  requestOptions(): DialectRequestOptions {
    return { stop: ["</code>", "</tool_call>"] };
  }

  userTurn = imagesThenQuestion;

  parse(output: ModelOutput, context: DialectContext): ParsedTurn {
    const turn = parseTagTurn(output, context, this.#grammar, this.#ids);
    if (turn.answer !== undefined || turn.calls.length === 0) return turn;
    const lastCode = turn.calls.filter((call) => call.name === "python").pop();
    const calls = turn.calls.filter((call) => call.name !== "python" || call === lastCode);
    const firstIsCode = calls[0]?.name === "python";
    const kept = calls.filter((call) => (call.name === "python") === firstIsCode);
    const refused: ActionError[] = calls
      .filter((call) => !kept.includes(call))
      .map((call) => ({
        id: call.id,
        raw: call.raw,
        name: call.name,
        message: `Not run: use only one kind of tool per turn (this turn already runs ${firstIsCode ? "code" : "a search"}).`,
      }));
    return { ...turn, calls: kept, errors: [...turn.errors, ...refused] };
  }

  /** The text as written; a `<code>` or `<tool_call>` left open gets its closing tag, as upstream. */
  assistantMessage(output: ModelOutput): Message {
    const message = tagAssistantMessage(output, this.#grammar.callTag);
    if (message.role !== "assistant") return message;
    let content = message.content;
    for (const tag of ["code", "tool_call"]) {
      if (content.lastIndexOf(`<${tag}>`) > content.lastIndexOf(`</${tag}>`)) content += `</${tag}>`;
    }
    return { ...message, content };
  }

  observations(outcomes: readonly ToolCallOutcome[], context: DialectContext): Message[] {
    const turn = new PartsBuilder();
    outcomes.forEach((outcome, index) => {
      if (index > 0) turn.text("\n");
      if (outcome.name === "python") renderCodeResult(turn, outcome.result);
      else renderSearchResult(turn, outcome.result, context);
    });
    return turn.isEmpty ? [] : [turn.message()];
  }

  finalAnswerRequest(reason: string): Message {
    return finalAnswerTurn(reason, "inside <answer>...</answer>");
  }

  #readCode(match: TagMatch, context: DialectContext): ReadAction {
    const id = this.#ids.next();
    if (!hasTool(context, "python")) return this.#unavailable(id, match.raw, "code", context);
    const extracted = extractCode(match.body);
    const code = this.#reindent ? reindentPythonLikeDeepEyes(extracted) : extracted;
    if (!code.trim()) {
      return {
        id,
        raw: match.raw,
        name: "python",
        message: "Error: the <code> block is empty. Put a ```python block inside it.",
      };
    }
    return { id, raw: match.raw, name: "python", arguments: { code } };
  }

  #readToolCall(match: TagMatch, context: DialectContext): ReadAction {
    const id = this.#ids.next();
    const json = readJsonTolerantly(match.body);
    const written = json.ok ? readWrittenCall(json.value) : `the JSON could not be read (${json.message})`;
    if (typeof written === "string") {
      return { id, raw: match.raw, message: `Error: unreadable <tool_call>: ${written}.` };
    }
    const { name, arguments: args } = written;
    if ((name === "search" || name === "text_search") && hasTool(context, "text_search")) {
      const queries = asStringList(args.query ?? args.queries);
      if (!queries)
        return { id, raw: match.raw, name: "text_search", message: 'Error: search needs "query".' };
      return { id, raw: match.raw, name: "text_search", arguments: { queries } };
    }
    if (name === "image_search" && hasTool(context, "image_search")) {
      const input = context.images.list()[0];
      if (!input)
        return { id, raw: match.raw, name, message: "Error: there is no input image to search with." };
      return { id, raw: match.raw, name: "image_search", arguments: { images: [input.label] } };
    }
    return this.#unavailable(id, match.raw, name, context);
  }

  #unavailable(id: string, raw: string, written: string, context: DialectContext): ActionError {
    const available = [
      hasTool(context, "python") ? "code (<code>)" : undefined,
      hasTool(context, "text_search") ? "search" : undefined,
      hasTool(context, "image_search") ? "image_search" : undefined,
    ].filter((name) => name !== undefined);
    const names = available.length > 0 ? available.join(", ") : "none (answer directly)";
    return {
      id,
      raw,
      name: written,
      message: `Error: the tool "${written}" is not available. Available tools: ${names}.`,
    };
  }
}

function fenced(text: string): string {
  return `\`\`\`\n${text.replace(/\n+$/, "")}\n\`\`\``;
}

function renderCodeResult(turn: PartsBuilder, result: ToolResult): void {
  const data = result.data?.kind === "code" ? result.data : undefined;
  const stdout = data ? codeOutputText({ ...data, error: undefined }) : result.isError ? "" : result.text;
  const stderr = data
    ? [data.stderr.trim(), data.error?.trim()].filter(Boolean).join("\n")
    : result.isError
      ? result.text
      : "";
  turn.text(`Code execution result:\nstdout:\n${fenced(stdout)}\nstderr:\n${fenced(stderr)}`);
  const images = result.images.slice(0, imagesPerRound);
  if (images.length > 0) {
    turn.text("\nImages:\n");
    for (const image of images) turn.image(image.id);
  }
}

function renderSearchResult(turn: PartsBuilder, result: ToolResult, context: DialectContext): void {
  turn.text("<tool_response>\n");
  const data = result.data;
  const shown = new Set<string>();
  if (data?.kind === "text-search") {
    data.results.forEach((hits, queryIndex) => {
      if (data.results.length > 1) turn.text(`Results for "${data.queries[queryIndex] ?? ""}":\n`);
      hits.forEach((hit, index) => {
        const date = hit.date ? `\n   ${hit.date}` : "";
        turn.text(`${index + 1}. [${hit.title}](${hit.url})${date}\n   ${hit.snippet}\n`);
      });
      if (hits.length === 0) turn.text("No results.\n");
    });
  } else if (data?.kind === "image-search") {
    data.results.flat().forEach((hit, index) => {
      turn.text(`${index + 1}. `);
      const thumbnail = hit.imageId ? context.images.byId(hit.imageId) : undefined;
      if (thumbnail) {
        turn.image(thumbnail.id);
        shown.add(thumbnail.id);
      }
      turn.text(` ${hit.title} (${hit.link})\n`);
    });
    if (data.results.flat().length === 0) turn.text("No results.\n");
  } else {
    turn.text(`${result.text}\n`);
  }
  appendImages(
    turn,
    result.images.filter((image) => !shown.has(image.id)),
  );
  turn.text("</tool_response>");
}

function appendImages(turn: PartsBuilder, images: readonly ImageRef[]): void {
  for (const image of images) turn.image(image.id);
  if (images.length > 0) turn.text("\n");
}
