import type { DialectOptions } from "../core/config.js";
import type { ToolResult } from "../core/tool.js";
import type { ToolOutputData } from "../core/tool-output.js";
import type { CallIds } from "./call-ids.js";
import { extractCode, reindentPythonLikeDeepEyes } from "./code-block.js";
import type { ActionError, DialectContext, DialectSettings, ParsedTurn, ToolCallOutcome } from "./dialect.js";
import {
  asStringList,
  checkedCall,
  composePrompt,
  enabledWrittenNames,
  hasTool,
  optionsBlock,
  type ReadAction,
  readCallTagBody,
  resultRemarks,
  type ToolWording,
  unavailableTool,
} from "./dialect-support.js";
import type { PartsBuilder } from "./parts-builder.js";
import type { PromptPack } from "./prompt-pack.js";
import { pythonCall, searchInputImage } from "./shared-actions.js";
import { TagDialect } from "./tag-dialect.js";
import type { TagMatch } from "./tag-scanner.js";

/** DeepEyesV2 shows at most this many images per code result. */
const imagesPerRound = 10;

const searchWrapper = { prefix: "<tool_response>\n", suffix: "\n</tool_response>" };

/**
 * Loupe's wording; the layout is upstream's (the search header's shape, "## Web Results", the
 * code result bare and search results inside <tool_response>, errors as plain text).
 */
const defaultPack: PromptPack = {
  user: "{{images}}{{question}}{{options_block}}\n\nPut your final answer inside <answer> </answer>. Write <think> </think> before every action: <code> </code> to run Python, <tool_call> </tool_call> to search, or <answer> </answer>.",
  tools: {
    text_search: {
      prefix: `${searchWrapper.prefix}A search for '{{query}}' found {{count}} results:\n\n## Web Results\n`,
      suffix: searchWrapper.suffix,
    },
    image_search: {
      prefix: `${searchWrapper.prefix}An image search for the image found {{count}} results:\n\n## Web Results\n`,
      suffix: searchWrapper.suffix,
    },
  },
  error: { prefix: "", suffix: "" },
};

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
  constructor(settings: DialectSettings = {}) {
    super(
      {
        name: "deepeyes-v2",
        supportedTools: ["python", "text_search", "image_search"],
        defaultTools: ["python", "text_search", "image_search"],
        grammar: {
          reasoningTags: ["think"],
          answerTag: "answer",
          callTag: "tool_call",
          actions: {
            code: (match, context, ids) => [readCode(match, context, ids, this.options)],
            tool_call: (match, context, ids) => [readToolCall(match, context, ids)],
          },
        },
        systemPrompt,
        defaultPack,
        extraValues: (values) => ({ options_block: values.options_lines ? `\n${optionsBlock(values)}` : "" }),
        renderOutcome: (turn, outcome) => renderOutcome(turn, outcome, this.options),
        refineTurn: oneKindOfToolPerTurn,
        finishAssistantText: closeOpenActions,
      },
      settings,
    );
  }
}

function systemPrompt(context: DialectContext, options: DialectOptions): string {
  const images =
    options.pythonImages === "view"
      ? "The input images are preloaded as PIL images in the variables image_1, image_2, ..., exactly as you see them (the full-size originals are image_1_original, ...)."
      : "The input images are preloaded as PIL images in the variables image_1, image_2, ...";
  return composePrompt(
    "You are a visual reasoning assistant. Think step by step inside <think>...</think>, use tools when they help, and give the final answer inside <answer>...</answer>.",
    context,
    [
      hasTool(context, "python") && [
        "",
        "To run Python, write a fenced block inside <code>, then stop:",
        "<code>\n```python\n# your code\n```\n</code>",
        `${images} The interpreter keeps its variables between turns. Boxes for PIL's crop are (left, top, right, bottom) in pixels of the image. Show images with plt.show(); do not write files. The result comes back as stdout, stderr and images.`,
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

/**
 * Upstream runs one `<code>` of a turn (the last in RL, the first in eval: the profile's
 * actionChoice), and never code and a search together.
 */
function oneKindOfToolPerTurn(turn: ParsedTurn, options: DialectOptions): ParsedTurn {
  if (turn.answer !== undefined || turn.calls.length === 0) return turn;
  const codes = turn.calls.filter((call) => call.name === "python");
  const chosenCode = options.actionChoice === "first" ? codes[0] : codes[codes.length - 1];
  const calls = turn.calls.filter((call) => call.name !== "python" || call === chosenCode);
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

function readCode(
  match: TagMatch,
  context: DialectContext,
  ids: CallIds,
  options: DialectOptions,
): ReadAction {
  const id = ids.next();
  if (!hasTool(context, "python")) return unavailable(id, match.raw, "code", context);
  const extracted = extractCode(match.body, options.actionChoice);
  const code = options.reindentCode ? reindentPythonLikeDeepEyes(extracted) : extracted;
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

function renderOutcome(turn: PartsBuilder, outcome: ToolCallOutcome, options: DialectOptions): void {
  if (outcome.result.isError && outcome.result.data?.kind !== "code") {
    turn.text(outcome.result.text);
    for (const image of outcome.result.images) turn.image(image.id);
  } else if (outcome.name === "python") renderCodeResult(turn, outcome.result, options);
  else renderSearchResult(turn, outcome.result);
}

/**
 * The code result as the eval runtime lays it out: stdout and stderr fenced as written (a
 * trailing newline leaves a blank line before the fence), then "Images:" and the images as parts
 * of their own; an image whose every value is 250 or more is dropped when the profile says so.
 */
function renderCodeResult(turn: PartsBuilder, result: ToolResult, options: DialectOptions): void {
  const data = result.data?.kind === "code" ? result.data : undefined;
  const stdout = data ? printedOutput(data) : result.text;
  const stderr = data ? [data.stderr, data.error].filter((piece) => piece?.trim()).join("\n") : "";
  turn.text(
    `Code execution result:\nstdout:\n\`\`\`\n${stdout}\n\`\`\`\n\nstderr:\n\`\`\`\n${stderr}\n\`\`\`\n\nImages:\n`,
  );
  const images = result.images.filter((image) => !(options.dropBlankImages && image.nearlyWhite));
  for (const image of images.slice(0, imagesPerRound)) turn.image(image.id);
}

/** What a notebook cell shows as its output: the printed text as written, then the last value. */
function printedOutput(data: Extract<ToolOutputData, { kind: "code" }>): string {
  const restarted = data.restarted ? "[The Python session was restarted; earlier variables are gone.]\n" : "";
  const value =
    data.result === undefined
      ? ""
      : `${data.stdout && !data.stdout.endsWith("\n") ? "\n" : ""}${data.result}`;
  return `${restarted}${data.stdout}${value}`;
}

/** Hits as upstream numbers them: `N. [title](link)`, its date, a blank line, the snippet; images inline. */
function renderSearchResult(turn: PartsBuilder, result: ToolResult): void {
  const data = result.data;
  const { notes, error } = resultRemarks(result);
  const shown = new Set<string>();
  if (data?.kind === "text-search") {
    const entries = data.results.flat().map((hit, index) => {
      const date = hit.date ? `\nDate published: ${hit.date}` : "";
      const snippet = hit.snippet ? `\n\n${hit.snippet}` : "\n";
      return `${index + 1}. [${hit.title}](${hit.url})${date}${snippet}`;
    });
    turn.text(entries.join("\n\n"));
  } else if (data?.kind === "image-search") {
    data.results.flat().forEach((hit, index) => {
      if (index > 0) turn.text("\n\n");
      turn.text(`${index + 1}. `);
      const thumbnail = result.images.find((image) => image.id === hit.imageId);
      if (thumbnail) {
        turn.image(thumbnail.id);
        shown.add(thumbnail.id);
      }
      turn.text(`\n[${hit.title}] \n`);
    });
  } else {
    turn.text(result.text);
  }
  if (data?.kind === "text-search" || data?.kind === "image-search") {
    if (error !== undefined) turn.text(`\nThe search failed:\n${error}`);
    for (const note of notes) turn.text(`\nNote: ${note}`);
  }
  for (const image of result.images) if (!shown.has(image.id)) turn.image(image.id);
}
