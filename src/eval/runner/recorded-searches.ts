import type { ImageSearchHit, PageVisit, TextSearchHit } from "../../core/tool-output.js";
import type { Trajectory } from "../../core/trajectory.js";

/**
 * The search results an earlier run saw, by item: text searches by query, image searches in the
 * order the run made them (the observation does not keep the query image), pages by URL. Read
 * from the observations' `data` (the structured output the search tools record).
 */
export interface ItemSearches {
  text: Map<string, TextSearchHit[]>;
  image: ImageSearchHit[][];
  pages: Map<string, PageVisit>;
}

export class RecordedSearches {
  readonly #items = new Map<string, ItemSearches>();

  /** Adds what a run's observations hold, under its item's id. */
  addRun(itemId: string, trajectory: Trajectory): void {
    const searches: ItemSearches = this.#items.get(itemId) ?? {
      text: new Map(),
      image: [],
      pages: new Map(),
    };
    for (const step of trajectory.steps) {
      for (const observation of step.observations) {
        const data = observation.data as { kind?: string } | undefined;
        if (!data || observation.isError) continue;
        if (data.kind === "text-search") {
          const { queries, results } = data as { queries: string[]; results: TextSearchHit[][] };
          queries.forEach((query, index) => {
            if (!searches.text.has(query)) searches.text.set(query, results[index] ?? []);
          });
        } else if (data.kind === "image-search") {
          searches.image.push(...(data as { results: ImageSearchHit[][] }).results);
        } else if (data.kind === "web-visit") {
          for (const page of (data as { pages: PageVisit[] }).pages)
            if (!searches.pages.has(page.url)) searches.pages.set(page.url, page);
        }
      }
    }
    this.#items.set(itemId, searches);
  }

  item(itemId: string): ItemSearches | undefined {
    return this.#items.get(itemId);
  }

  /** A text query any item's run made (for a query the current item's run did not make). */
  anyText(query: string): TextSearchHit[] | undefined {
    for (const searches of this.#items.values()) {
      const hits = searches.text.get(query);
      if (hits) return hits;
    }
    return undefined;
  }

  get size(): number {
    return this.#items.size;
  }
}
