import type { ToolResult } from "../core/tool.js";
import type { CallIds } from "./call-ids.js";
import type { DialectContext, DialectSettings, ToolCallOutcome } from "./dialect.js";
import {
  checkedCall,
  enabledWrittenNames,
  hasTool,
  optionsBlock,
  type ReadAction,
  resultRemarks,
  type ToolWording,
  unavailableTool,
} from "./dialect-support.js";
import type { PartsBuilder } from "./parts-builder.js";
import type { PromptPack } from "./prompt-pack.js";
import { searchInputImage } from "./shared-actions.js";
import { TagDialect } from "./tag-dialect.js";
import type { TagMatch } from "./tag-scanner.js";

/** How MMSearch-R1's errors name its two actions. */
const vocabulary: readonly ToolWording[] = [
  { tool: "image_search", written: "<search><img></search>" },
  { tool: "text_search", written: "<text_search>" },
];

/** Loupe's wording of the instructions MMSearch-R1 reads in its first user turn (it has no system prompt). */
const instructions = [
  "Answer the question about the image. Reason inside <reason>...</reason> before you act.",
  "{{search_instructions}}Search results come back inside <information> and </information>.",
  "When you know the answer, write it inside <answer> and </answer>, short and direct, e.g. <answer>Titanic</answer>.",
].join("\n");

const afterImageSearch =
  "Find in the results what the image shows. If you still need a fact, end your reply with <text_search>your query</text_search>; otherwise reason inside <reason>...</reason> and answer inside <answer>...</answer>.";
const afterTextSearch =
  "Reason inside <reason>...</reason> with the results, then answer inside <answer>...</answer>, short and direct.";

/**
 * Loupe's wording in upstream's layout: no system prompt, instructions then image then question
 * in one user turn, results as "Searched results: <information>…</information>" followed by the
 * original question and an after-search instruction; a failed search as its bare error text.
 */
const defaultPack: PromptPack = {
  system: null,
  user: `${instructions}\nThe image and the question:\n{{images}} {{question}}{{options_block}}`,
  tools: {
    image_search: {
      prefix: "Searched results: <information>",
      suffix: `</information>\nOriginal user's question: {{question}}\n${afterImageSearch}`,
    },
    text_search: {
      prefix: "Searched results: <information>",
      suffix: `</information>\nOriginal user's question: {{question}}\n${afterTextSearch}`,
    },
  },
  error: { prefix: "", suffix: "" },
  separator: "\n\n",
};

/**
 * MMSearch-R1: `<search><img></search>` searches the web with the input image,
 * `<text_search>query</text_search>` searches by text, `<answer>` ends; reasoning in `<reason>`.
 * Results arrive as a user turn of "[Image Search Results]" / "[Text Search Results]" blocks,
 * image hits as their thumbnails and titles.
 */
export class MMSearchR1Dialect extends TagDialect {
  constructor(settings: DialectSettings = {}) {
    super(
      {
        name: "mmsearch-r1",
        supportedTools: ["image_search", "text_search"],
        defaultTools: ["image_search", "text_search"],
        grammar: {
          reasoningTags: ["reason", "think"],
          answerTag: "answer",
          actions: {
            search: (match, context, ids) => [readImageSearch(match, context, ids)],
            text_search: (match, context, ids) => [readTextSearch(match, context, ids)],
          },
        },
        systemPrompt: () => "",
        defaultPack,
        extraValues: (values) => ({
          search_instructions: [
            values.tools.image_search &&
              "If you cannot tell what the image shows (a person, a place, an object), end your reply with <search><img></search> to search the web with the image.\n",
            values.tools.text_search &&
              "If you still lack a fact, end your reply with <text_search>your query</text_search> to search the web by text.\n",
          ]
            .filter(Boolean)
            .join(""),
          options_block: values.options_lines ? `\n${optionsBlock(values)}` : "",
        }),
        renderOutcome,
      },
      settings,
    );
  }
}

function readImageSearch(match: TagMatch, context: DialectContext, ids: CallIds): ReadAction {
  const id = ids.next();
  if (!hasTool(context, "image_search")) return unavailable(id, match.raw, "search", context);
  return searchInputImage(id, match.raw, context);
}

function readTextSearch(match: TagMatch, context: DialectContext, ids: CallIds): ReadAction {
  const id = ids.next();
  if (!hasTool(context, "text_search")) return unavailable(id, match.raw, "text_search", context);
  const query = match.body.replace(/\s+/g, " ").trim();
  if (!query) {
    return {
      id,
      raw: match.raw,
      name: "text_search",
      message: "Error: the text search is empty. Write <text_search>query</text_search>.",
    };
  }
  const call = { id, raw: match.raw, name: "text_search", arguments: { queries: [query] } };
  return checkedCall(call, context, "<text_search>");
}

function unavailable(id: string, raw: string, written: string, context: DialectContext): ReadAction {
  return unavailableTool(id, raw, written, enabledWrittenNames(context, vocabulary), `${written} tool`);
}

function renderOutcome(turn: PartsBuilder, outcome: ToolCallOutcome): void {
  const { name: tool, result } = outcome;
  const data = result.data;
  const shown = new Set<string>();
  if (result.isError) {
    turn.text(`${resultHeading(tool)} ${result.text}`);
  } else if (data?.kind === "image-search") {
    const hits = data.results.flat();
    turn.text(
      "[Image Search Results] Web pages that show images like the input image, most relevant first, each with its image and title:\n",
    );
    hits.forEach((hit, index) => {
      turn.text(`${index + 1}. image: `);
      const thumbnail = hit.imageId && result.images.find((image) => image.id === hit.imageId);
      if (thumbnail) {
        turn.image(thumbnail.id);
        shown.add(thumbnail.id);
      } else turn.text(`(${hit.link})`);
      turn.text(`\ntitle: ${hit.title}\n`);
    });
    renderRemarks(turn, result, hits.length);
  } else if (data?.kind === "text-search") {
    const hits = data.results.flat();
    turn.text(
      "[Text Search Results] The most relevant web pages for the query, each as its address and a summary:\n",
    );
    hits.forEach((hit, index) => {
      turn.text(`${index + 1}. (${hit.url}) ${hit.title}: ${hit.snippet}\n`);
    });
    renderRemarks(turn, result, hits.length);
  } else {
    turn.text(`${resultHeading(tool)} ${result.text}`);
  }
  for (const image of result.images) if (!shown.has(image.id)) turn.image(image.id);
}

/** Why a search found nothing (its error) and what the tool noted (a provider that failed over). */
function renderRemarks(turn: PartsBuilder, result: ToolResult, hitCount: number): void {
  const { notes, error } = resultRemarks(result);
  if (error !== undefined) turn.text(`The search failed:\n${error}\n`);
  else if (hitCount === 0) turn.text("No results.\n");
  for (const note of notes) turn.text(`Note: ${note}\n`);
}

function resultHeading(tool: string): string {
  if (tool === "image_search") return "[Image Search Results]";
  if (tool === "text_search") return "[Text Search Results]";
  return "[Result]";
}
