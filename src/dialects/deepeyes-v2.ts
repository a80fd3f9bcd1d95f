import type { ImageRef } from "../core/images.js";
import type { ToolResult } from "../core/tool.js";
import type { CallIds } from "./call-ids.js";
import { extractCode, reindentPythonLikeDeepEyes } from "./code-block.js";
import type { ActionError, DialectContext, ParsedTurn, ToolCallOutcome } from "./dialect.js";
import {
  asStringList,
  checkedCall,
  codeOutputText,
  composePrompt,
  enabledWrittenNames,
  hasTool,
  type ReadAction,
  readCallTagBody,
  resultRemarks,
  type ToolWording,
  unavailableTool,
} from "./dialect-support.js";
import type { PartsBuilder } from "./parts-builder.js";
import { pythonCall, searchInputImage } from "./shared-actions.js";
import { TagDialect } from "./tag-dialect.js";
import type { TagMatch } from "./tag-scanner.js";

export interface DeepEyesV2Options {
  /** Re-indent code like DeepEyesV2's runtime before running it (see reindentPythonLikeDeepEyes). */
  reindent?: boolean;
}

/** DeepEyesV2 shows at most this many images per code result. */
const imagesPerRound = 10;

/** DeepEyesV2's names for its tools, as its errors list them. */
const vocabulary: readonly ToolWording[] = [
  { tool: "python", written: "code (<code>)" },
  { tool: "text_search", written: "search" },
  { tool: "image_search", written: "image_search" },
];

/**
 * DeepEyesV2: `<think>`, `<code>` holding a fenced Python block, `<tool_call>` for text search
 * ("search") and image search ("image_search", on the input image), and `<answer>`. One kind of
 * tool per turn; of several `<code>` blocks only the last runs, as upstream.
 */
export class DeepEyesV2Dialect extends TagDialect {
  constructor(options: DeepEyesV2Options = {}) {
    const reindent = options.reindent ?? false;
    super({
      name: "deepeyes-v2",
      supportedTools: ["python", "text_search", "image_search"],
      defaultTools: ["python", "text_search", "image_search"],
      grammar: {
        reasoningTags: ["think"],
        answerTag: "answer",
        callTag: "tool_call",
        actions: {
          code: (match, context, ids) => [readCode(match, context, ids, reindent)],
          tool_call: (match, context, ids) => [readToolCall(match, context, ids)],
        },
      },
      systemPrompt,
      renderOutcome,
      refineTurn: oneKindOfToolPerTurn,
      finishAssistantText: closeOpenActions,
    });
  }
}

function systemPrompt(context: DialectContext): string {
  return composePrompt(
    "You are a visual reasoning assistant. Think step by step inside <think>...</think>, use tools when they help, and give the final answer inside <answer>...</answer>.",
    context,
    [
      hasTool(context, "python") && [
        "",
        "To run Python, write a fenced block inside <code>, then stop:",
        "<code>\n```python\n# your code\n```\n</code>",
        "The input images are preloaded as PIL images in the variables image_1, image_2, ... The interpreter keeps its variables between turns. Boxes for PIL's crop are (left, top, right, bottom) in pixels of the image. Show images with plt.show(); do not write files. The result comes back as stdout, stderr and images.",
      ],
      hasTool(context, "text_search") && [
        "",
        'To search the web by text: <tool_call>{"name": "search", "arguments": {"query": "..."}}</tool_call>',
      ],
      hasTool(context, "image_search") && [
        "",
        'To search the web with the input image: <tool_call>{"name": "image_search"}</tool_call>',
      ],
      context.tools.length > 0 && [
        "",
        "Use only one kind of tool per turn. Search results come back inside <tool_response>.",
      ],
    ],
  );
}

/** Upstream runs only the last `<code>` of a turn, and never code and a search together. */
function oneKindOfToolPerTurn(turn: ParsedTurn): ParsedTurn {
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

/** A `<code>` or `<tool_call>` left open gets its closing tag, as upstream. */
function closeOpenActions(content: string): string {
  let closed = content;
  for (const tag of ["code", "tool_call"]) {
    if (closed.lastIndexOf(`<${tag}>`) > closed.lastIndexOf(`</${tag}>`)) closed += `</${tag}>`;
  }
  return closed;
}

function readCode(match: TagMatch, context: DialectContext, ids: CallIds, reindent: boolean): ReadAction {
  const id = ids.next();
  if (!hasTool(context, "python")) return unavailable(id, match.raw, "code", context);
  const extracted = extractCode(match.body);
  const code = reindent ? reindentPythonLikeDeepEyes(extracted) : extracted;
  return pythonCall(
    id,
    match.raw,
    code,
    "Error: the <code> block is empty. Put a ```python block inside it.",
  );
}

function readToolCall(match: TagMatch, context: DialectContext, ids: CallIds): ReadAction {
  const id = ids.next();
  const written = readCallTagBody(match.body);
  if (typeof written === "string") {
    return { id, raw: match.raw, message: `Error: unreadable <tool_call>: ${written}.` };
  }
  const { name, arguments: args } = written;
  if ((name === "search" || name === "text_search") && hasTool(context, "text_search")) {
    const queries = asStringList(args.query ?? args.queries);
    if (!queries) return { id, raw: match.raw, name: "text_search", message: 'Error: search needs "query".' };
    const call = { id, raw: match.raw, name: "text_search", arguments: { queries } };
    return checkedCall(call, context, "search", { queries: "query" });
  }
  if (name === "image_search" && hasTool(context, "image_search"))
    return searchInputImage(id, match.raw, context);
  return unavailable(id, match.raw, name, context);
}

function unavailable(id: string, raw: string, written: string, context: DialectContext): ActionError {
  return unavailableTool(id, raw, written, enabledWrittenNames(context, vocabulary));
}

function renderOutcome(turn: PartsBuilder, outcome: ToolCallOutcome): void {
  if (outcome.name === "python") renderCodeResult(turn, outcome.result);
  else renderSearchResult(turn, outcome.result);
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

function renderSearchResult(turn: PartsBuilder, result: ToolResult): void {
  turn.text("<tool_response>\n");
  const data = result.data;
  const shown = new Set<string>();
  const { notes, error } = resultRemarks(result);
  if (data?.kind === "text-search") {
    data.results.forEach((hits, queryIndex) => {
      if (hits.length === 0 && error !== undefined) return;
      if (data.results.length > 1) turn.text(`Results for "${data.queries[queryIndex] ?? ""}":\n`);
      hits.forEach((hit, index) => {
        const date = hit.date ? `\n   ${hit.date}` : "";
        turn.text(`${index + 1}. [${hit.title}](${hit.url})${date}\n   ${hit.snippet}\n`);
      });
      if (hits.length === 0) turn.text("No results.\n");
    });
  } else if (data?.kind === "image-search") {
    const hits = data.results.flat();
    hits.forEach((hit, index) => {
      turn.text(`${index + 1}. `);
      const thumbnail = result.images.find((image) => image.id === hit.imageId);
      if (thumbnail) {
        turn.image(thumbnail.id);
        shown.add(thumbnail.id);
      }
      turn.text(` ${hit.title} (${hit.link})\n`);
    });
    if (hits.length === 0 && error === undefined) turn.text("No results.\n");
  } else {
    turn.text(`${result.text}\n`);
  }
  if (data?.kind === "text-search" || data?.kind === "image-search") {
    if (error !== undefined) turn.text(`The search failed:\n${error}\n`);
    for (const note of notes) turn.text(`Note: ${note}\n`);
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
