import type { ToolResult } from "../core/tool.js";
import type { CallIds } from "./call-ids.js";
import type { DialectContext, ToolCallOutcome } from "./dialect.js";
import {
  checkedCall,
  composePrompt,
  enabledWrittenNames,
  hasTool,
  type ReadAction,
  resultRemarks,
  type ToolWording,
  unavailableTool,
} from "./dialect-support.js";
import type { PartsBuilder } from "./parts-builder.js";
import { searchInputImage } from "./shared-actions.js";
import { TagDialect } from "./tag-dialect.js";
import type { TagMatch } from "./tag-scanner.js";

/** How MMSearch-R1's errors name its two actions. */
const vocabulary: readonly ToolWording[] = [
  { tool: "image_search", written: "<search><img></search>" },
  { tool: "text_search", written: "<text_search>" },
];

/**
 * MMSearch-R1: `<search><img></search>` searches the web with the input image,
 * `<text_search>query</text_search>` searches by text, `<answer>` ends. Results arrive as a user
 * turn of "[Image Search Results]" / "[Text Search Results]" blocks, image hits with their
 * thumbnails when the search fetched them.
 */
export class MMSearchR1Dialect extends TagDialect {
  constructor() {
    super({
      name: "mmsearch-r1",
      supportedTools: ["image_search", "text_search"],
      defaultTools: ["image_search", "text_search"],
      grammar: {
        reasoningTags: ["think", "reason"],
        answerTag: "answer",
        actions: {
          search: (match, context, ids) => [readImageSearch(match, context, ids)],
          text_search: (match, context, ids) => [readTextSearch(match, context, ids)],
        },
      },
      systemPrompt,
      renderOutcome,
      outcomeSeparator: "\n\n",
    });
  }
}

function systemPrompt(context: DialectContext): string {
  return composePrompt(
    "Answer the user's question about the image. First reason inside <think>...</think>. If you are not sure you know the answer, search for what you are missing.",
    context,
    [
      hasTool(context, "image_search") && [
        "- To find web pages that show the input image (for example to identify a person, place or object), write <search><img></search> and stop.",
      ],
      hasTool(context, "text_search") && [
        "- To search the web by text, write <text_search>your query</text_search> and stop.",
      ],
      context.tools.length > 0 && ["Search results come back in the next user turn."],
      ["When you know the answer, write it inside <answer>...</answer>, short and direct."],
    ],
  );
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
  if (data?.kind === "image-search") {
    const hits = data.results.flat();
    const thumbnails = new Set(
      hits.flatMap((hit) =>
        hit.imageId && result.images.some((image) => image.id === hit.imageId) ? [hit.imageId] : [],
      ),
    );
    turn.text(
      `[Image Search Results] Web pages that show images like the input image; each with its title and address${thumbnails.size > 0 ? ", and a thumbnail of the matching image where one could be shown" : ""}.`,
    );
    hits.forEach((hit, index) => {
      turn.text(`\n${index + 1}. `);
      if (hit.imageId && thumbnails.has(hit.imageId)) {
        turn.image(hit.imageId);
        shown.add(hit.imageId);
      }
      turn.text(` ${hit.title} (${hit.link})`);
    });
    renderRemarks(turn, result, hits.length);
  } else if (data?.kind === "text-search") {
    const hits = data.results.flat();
    turn.text(
      "[Text Search Results] Web pages found for your query, each with its title, an excerpt and its address.",
    );
    hits.forEach((hit, index) => {
      turn.text(`\n${index + 1}. ${hit.title}\n   ${hit.snippet}\n   ${hit.url}`);
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
  if (error !== undefined) turn.text(`\nThe search failed:\n${error}`);
  else if (hitCount === 0) turn.text("\nNo results.");
  for (const note of notes) turn.text(`\nNote: ${note}`);
}

function resultHeading(tool: string): string {
  if (tool === "image_search") return "[Image Search Results]";
  if (tool === "text_search") return "[Text Search Results]";
  return "[Result]";
}
