import { fileURLToPath } from "node:url";
import sharp from "sharp";
import { z } from "zod";
import { describeError } from "../../core/errors.js";
import type { ImageRef } from "../../core/images.js";
import type { Tool, ToolContext, ToolResult } from "../../core/tool.js";
import type { ImageMatchKind, ImageSearchHit } from "../../core/tool-output.js";
import type { SearchOutcome } from "../../search/fallback-chain.js";
import type { SearchServices } from "../../search/search-services.js";
import { defaultResultsPerQuery, type SearchToolOptions } from "./search-tool-options.js";

const parameters = z.object({
  images: z
    .array(z.string().trim().min(1))
    .max(5)
    .optional()
    .describe(
      "Images to search by (reverse image search): image_1, a crop such as image_3, ... Default: the first image.",
    ),
  query: z.string().trim().min(1).optional().describe("Search images by this text instead (or as well)."),
});
type ImageSearchArguments = z.infer<typeof parameters>;

/** Each thumbnail is one more image for the model to look at, so only the first hits get one. */
const thumbnailsPerCall = 5;
/** Longest side of a thumbnail: enough to tell whether a hit shows the same thing. */
const thumbnailSide = 256;

/**
 * image_search: reverse image search by any image of the run (inputs, crops, code outputs), and
 * text-to-image search. One hit list per image, then one for the query when there is one.
 */
export function imageSearchTool(
  services: SearchServices,
  options: SearchToolOptions = {},
): Tool<ImageSearchArguments> {
  const limit = options.resultsPerQuery ?? defaultResultsPerQuery;
  return {
    name: "image_search",
    description:
      "Find where an image appears on the web (reverse image search) to identify what it shows. Search by the input image or any image made earlier (a crop, a code output) by its name; or give a text query to find images of something.",
    parameters,
    async execute({ images, query }, context: ToolContext): Promise<ToolResult> {
      const names = images && images.length > 0 ? images : query ? [] : [undefined];
      // Unknown image names throw here, before any search: the model reads the list of known names.
      const refs = names.map((name) => context.images.resolve(name));
      type Attempt = { label: string } & (
        | { ok: true; outcome: SearchOutcome<ImageSearchHit[]> }
        | { ok: false; error: string }
      );
      const settle = (label: string, search: Promise<SearchOutcome<ImageSearchHit[]>>): Promise<Attempt> =>
        search.then(
          (outcome) => ({ label, ok: true as const, outcome }),
          (error: unknown) => ({ label, ok: false as const, error: describeError(error) }),
        );
      const attempts = await Promise.all([
        ...refs.map((ref) =>
          settle(
            `Reverse image search for ${ref.label}`,
            services.searchByImage(
              { id: ref.id, bytes: context.images.bytes(ref.id), mime: ref.mime },
              { limit, signal: context.signal },
            ),
          ),
        ),
        ...(query
          ? [
              settle(
                `Images for "${query}"`,
                services.searchImagesByText(query, { limit, signal: context.signal }),
              ),
            ]
          : []),
      ]);
      const thumbnails = await localThumbnails(attempts, context);
      const withThumbnail = (hit: ImageSearchHit): ImageSearchHit => {
        const thumbnail = thumbnails.get(hit.source);
        return thumbnail ? { ...hit, imageId: thumbnail.id } : hit;
      };
      const results = attempts.map((attempt) => (attempt.ok ? attempt.outcome.value.map(withThumbnail) : []));
      const notes = attempts.flatMap((attempt) =>
        attempt.ok ? attempt.outcome.notes : [`${attempt.label}: ${attempt.error}`],
      );
      const backends = [
        ...new Set(attempts.flatMap((attempt) => (attempt.ok ? [attempt.outcome.backend] : []))),
      ];
      const sections = attempts.map((attempt, index) => {
        if (!attempt.ok) return `${attempt.label}: search failed.`;
        const { backend } = attempt.outcome;
        const value = results[index] ?? [];
        if (value.length === 0) return `${attempt.label} (${backend}): nothing found.`;
        const lines = value.map((hit, rank) => {
          const thumbnail = hit.imageId ? `\n   thumbnail: ${thumbnails.get(hit.source)?.label}` : "";
          const match = hit.match ? `\n   match: ${describeMatch(hit.match)}` : "";
          return `${rank + 1}. ${hit.title || "(untitled)"}\n   page: ${hit.link}\n   image: ${hit.source}${thumbnail}${match}`;
        });
        const unverified =
          value.length > 0 && value.every((hit) => hit.match?.kind === "similar")
            ? " no copy of this image was found; the nearest look-alikes follow (not the same picture)"
            : "";
        return `${attempt.label} (${backend}):${unverified}\n${lines.join("\n")}`;
      });
      return {
        text: [...sections, ...notes.map((note) => `Note: ${note}`)].join("\n\n"),
        images: [...new Set(thumbnails.values())],
        isError: attempts.every((attempt) => !attempt.ok),
        data: {
          kind: "image-search",
          results,
          ...(backends.length > 0 ? { backend: backends.join(", ") } : {}),
          ...(notes.length > 0 ? { notes } : {}),
        },
      };
    },
  };
}

/** One line on what kind of match a hit is, so the model knows how far to trust it. */
export function describeMatch(match: ImageMatchKind): string {
  const score = `score ${match.score.toFixed(2)}`;
  if (match.kind === "same") return `the same image (${score})`;
  if (match.kind === "similar") return `similar-looking, not verified to be the same picture (${score})`;
  const region = match.region;
  return region
    ? `the searched image is a crop of this one: the region at x=${region.x}, y=${region.y}, ${region.width}x${region.height} px of it (${score})`
    : `the searched image is a crop of this one (${score})`;
}

/**
 * Thumbnails of the first hits the local index found, keyed by the hit's image URL. Only the
 * local backend's file:// URLs are read: they name images the user indexed, while a remote
 * provider's URL (or a file:// URL a provider made up) is never fetched or opened. A file that
 * is gone or unreadable simply gets no thumbnail.
 */
async function localThumbnails(
  attempts: readonly ({ ok: true; outcome: SearchOutcome<ImageSearchHit[]> } | { ok: false })[],
  context: ToolContext,
): Promise<Map<string, ImageRef>> {
  const sources = attempts.flatMap((attempt) =>
    attempt.ok && attempt.outcome.backend === "local"
      ? attempt.outcome.value.map((hit) => hit.source).filter((source) => source.startsWith("file:"))
      : [],
  );
  const thumbnails = new Map<string, ImageRef>();
  for (const source of [...new Set(sources)].slice(0, thumbnailsPerCall)) {
    if (context.signal.aborted) break;
    const thumbnail = await thumbnailOf(source, context);
    if (thumbnail) thumbnails.set(source, thumbnail);
  }
  return thumbnails;
}

async function thumbnailOf(source: string, context: ToolContext): Promise<ImageRef | undefined> {
  try {
    const { data, info } = await sharp(fileURLToPath(source))
      .rotate()
      .resize({ width: thumbnailSide, height: thumbnailSide, fit: "inside", withoutEnlargement: true })
      .flatten({ background: "#ffffff" })
      .jpeg({ quality: 80 })
      .toBuffer({ resolveWithObject: true });
    return context.addImage(
      new Uint8Array(data),
      { mime: "image/jpeg", width: info.width, height: info.height },
      { operation: "search-thumbnail", parameters: { source } },
    );
  } catch {
    return undefined;
  }
}
