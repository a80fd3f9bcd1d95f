import type { Message } from "../core/messages.js";
import type { ModelOutput } from "../core/model-output.js";
import type { ToolResult } from "../core/tool.js";
import { CallIds } from "./call-ids.js";
import type {
  Dialect,
  DialectContext,
  DialectRequestOptions,
  ParsedTurn,
  ToolCallOutcome,
} from "./dialect.js";
import { describeInputImages, hasTool, imagesThenQuestion, type ReadAction } from "./dialect-support.js";
import { PartsBuilder } from "./parts-builder.js";
import type { TagMatch } from "./tag-scanner.js";
import { finalAnswerTurn, parseTagTurn, type TagGrammar, tagAssistantMessage } from "./tag-turn.js";

/**
 * MMSearch-R1: `<search><img></search>` searches the web with the input image,
 * `<text_search>query</text_search>` searches by text, `<answer>` ends. Results arrive as a user
 * turn of "[Image Search Results]" / "[Text Search Results]" blocks, image hits with thumbnails.
 */
export class MMSearchR1Dialect implements Dialect {
  readonly name = "mmsearch-r1" as const;
  readonly supportedTools = ["image_search", "text_search"];
  readonly defaultTools = ["image_search", "text_search"];
  readonly #ids = new CallIds();
  readonly #grammar: TagGrammar = {
    reasoningTags: ["think", "reason"],
    answerTag: "answer",
    actions: {
      search: (match, context) => [this.#readImageSearch(match, context)],
      text_search: (match, context) => [this.#readTextSearch(match, context)],
    },
  };

  systemPrompt(context: DialectContext): string {
    const lines = [
      "Answer the user's question about the image. First reason inside <think>...</think>. If you are not sure you know the answer, search for what you are missing.",
      describeInputImages(context),
    ];
    if (hasTool(context, "image_search")) {
      lines.push(
        "- To find web pages that show the input image (for example to identify a person, place or object), write <search><img></search> and stop.",
      );
    }
    if (hasTool(context, "text_search")) {
      lines.push("- To search the web by text, write <text_search>your query</text_search> and stop.");
    }
    if (context.tools.length > 0) lines.push("Search results come back in the next user turn.");
    lines.push("When you know the answer, write it inside <answer>...</answer>, short and direct.");
    return lines.join("\n");
  }

  requestOptions(): DialectRequestOptions {
    return { stop: ["</search>", "</text_search>"] };
  }

  userTurn = imagesThenQuestion;

  parse(output: ModelOutput, context: DialectContext): ParsedTurn {
    return parseTagTurn(output, context, this.#grammar, this.#ids);
  }

  assistantMessage(output: ModelOutput): Message {
    return tagAssistantMessage(output, undefined);
  }

  observations(outcomes: readonly ToolCallOutcome[], _context?: DialectContext): Message[] {
    const turn = new PartsBuilder();
    outcomes.forEach((outcome, index) => {
      if (index > 0) turn.text("\n\n");
      renderResult(turn, outcome.name, outcome.result);
    });
    return turn.isEmpty ? [] : [turn.message()];
  }

  finalAnswerRequest(reason: string): Message {
    return finalAnswerTurn(reason, "inside <answer>...</answer>");
  }

  #readImageSearch(match: TagMatch, context: DialectContext): ReadAction {
    const id = this.#ids.next();
    if (!hasTool(context, "image_search")) return this.#unavailable(id, match.raw, "search", context);
    const input = context.images.list()[0];
    if (!input)
      return {
        id,
        raw: match.raw,
        name: "image_search",
        message: "Error: there is no input image to search with.",
      };
    return { id, raw: match.raw, name: "image_search", arguments: { images: [input.label] } };
  }

  #readTextSearch(match: TagMatch, context: DialectContext): ReadAction {
    const id = this.#ids.next();
    if (!hasTool(context, "text_search")) return this.#unavailable(id, match.raw, "text_search", context);
    const query = match.body.replace(/\s+/g, " ").trim();
    if (!query) {
      return {
        id,
        raw: match.raw,
        name: "text_search",
        message: "Error: the text search is empty. Write <text_search>query</text_search>.",
      };
    }
    return { id, raw: match.raw, name: "text_search", arguments: { queries: [query] } };
  }

  #unavailable(id: string, raw: string, written: string, context: DialectContext): ReadAction {
    const available = [
      hasTool(context, "image_search") ? "<search><img></search>" : undefined,
      hasTool(context, "text_search") ? "<text_search>" : undefined,
    ].filter((name) => name !== undefined);
    const names = available.length > 0 ? available.join(", ") : "none (answer directly)";
    return {
      id,
      raw,
      name: written,
      message: `Error: the ${written} tool is not available. Available tools: ${names}.`,
    };
  }
}

function renderResult(turn: PartsBuilder, tool: string, result: ToolResult): void {
  const data = result.data;
  const shown = new Set<string>();
  if (data?.kind === "image-search") {
    const hits = data.results.flat();
    turn.text(
      "[Image Search Results] Web pages that show images like the input image; each has a thumbnail and a title.",
    );
    hits.forEach((hit, index) => {
      turn.text(`\n${index + 1}. `);
      if (hit.imageId && result.images.some((image) => image.id === hit.imageId)) {
        turn.image(hit.imageId);
        shown.add(hit.imageId);
      }
      turn.text(` ${hit.title} (${hit.link})`);
    });
    if (hits.length === 0) turn.text("\nNo results.");
  } else if (data?.kind === "text-search") {
    const hits = data.results.flat();
    turn.text(
      "[Text Search Results] Web pages found for your query, each with its title, an excerpt and its address.",
    );
    hits.forEach((hit, index) => {
      turn.text(`\n${index + 1}. ${hit.title}\n   ${hit.snippet}\n   ${hit.url}`);
    });
    if (hits.length === 0) turn.text("\nNo results.");
  } else {
    const heading =
      tool === "image_search"
        ? "[Image Search Results]"
        : tool === "text_search"
          ? "[Text Search Results]"
          : "[Result]";
    turn.text(`${heading} ${result.text}`);
  }
  for (const image of result.images) if (!shown.has(image.id)) turn.image(image.id);
}
