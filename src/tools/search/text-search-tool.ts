import { z } from "zod";
import { describeError } from "../../core/errors.js";
import type { Tool, ToolContext, ToolResult } from "../../core/tool.js";
import type { TextSearchHit } from "../../core/tool-output.js";
import type { SearchServices } from "../../search/search-services.js";
import { defaultResultsPerQuery, type SearchToolOptions } from "./search-tool-options.js";

const parameters = z.object({
  queries: z
    .array(z.string().trim().min(1))
    .min(1)
    .max(5)
    .describe("One to five search queries, run separately."),
});
type TextSearchArguments = z.infer<typeof parameters>;

/** text_search: web (or local index) search for one or several queries, each with its own hit list. */
export function textSearchTool(
  services: SearchServices,
  options: SearchToolOptions = {},
): Tool<TextSearchArguments> {
  const limit = options.resultsPerQuery ?? defaultResultsPerQuery;
  return {
    name: "text_search",
    description:
      "Search the web by text. Give one to five short, specific queries; each returns its own list of results (title, URL, snippet).",
    parameters,
    async execute({ queries }, context: ToolContext): Promise<ToolResult> {
      const outcomes = await Promise.all(
        queries.map((query) =>
          services.searchText(query, { limit, signal: context.signal }).then(
            (outcome) => ({ ok: true as const, ...outcome }),
            (error: unknown) => ({ ok: false as const, error: describeError(error) }),
          ),
        ),
      );
      const results: TextSearchHit[][] = outcomes.map((outcome) => (outcome.ok ? outcome.value : []));
      const notes = outcomes.flatMap((outcome, index) =>
        outcome.ok ? outcome.notes : [`"${queries[index]}": ${outcome.error}`],
      );
      const backends = [...new Set(outcomes.flatMap((outcome) => (outcome.ok ? [outcome.backend] : [])))];
      const sections = queries.map((query, index) => {
        const outcome = outcomes[index]!;
        if (!outcome.ok) return `Results for "${query}": search failed.`;
        if (outcome.value.length === 0) return `Results for "${query}" (${outcome.backend}): nothing found.`;
        const lines = outcome.value.map((hit, rank) => {
          const date = hit.date ? ` (${hit.date})` : "";
          return `${rank + 1}. ${hit.title || hit.url}${date}\n   ${hit.url}\n   ${hit.snippet}`;
        });
        return `Results for "${query}" (${outcome.backend}):\n${lines.join("\n")}`;
      });
      const text = [...sections, ...notes.map((note) => `Note: ${note}`)].join("\n\n");
      return {
        text,
        images: [],
        isError: outcomes.every((outcome) => !outcome.ok),
        data: {
          kind: "text-search",
          queries,
          results,
          ...(backends.length > 0 ? { backend: backends.join(", ") } : {}),
          ...(notes.length > 0 ? { notes } : {}),
        },
      };
    },
  };
}
