import type { ImageSet } from "../../core/image-set.js";
import type { Evidence } from "../../core/mode-records.js";
import type { ToolOutputData } from "../../core/tool-output.js";
import type { Trajectory } from "../../core/trajectory.js";

/** Characters of one page kept as evidence: enough for a report's claims, small enough to store. */
const maxEvidenceChars = 20_000;

/**
 * Everything the sub-agents found, numbered as the report cites it: every search hit's passage
 * (title and snippet with its URL), every page read (its content and URL), every image search
 * hit, every image a tool made (a crop, with what it was cut from), and the text other tools
 * returned (OCR, code output). Each keeps where it came from: the sub-question, the sub-agent's
 * run, step, tool call and tool. The same passage found twice is stored once.
 */
export class EvidenceStore {
  readonly #items: Evidence[] = [];
  readonly #seen = new Set<string>();

  list(): readonly Evidence[] {
    return this.#items;
  }

  get(id: number): Evidence | undefined {
    return this.#items[id - 1];
  }

  addRun(trajectory: Trajectory, subQuestion: number, images: ImageSet): void {
    for (const step of trajectory.steps) {
      for (const observation of step.observations) {
        const source = {
          subQuestion,
          runId: trajectory.id,
          step: step.index,
          callId: observation.callId,
          tool: observation.tool,
        };
        if (observation.isError) continue;
        const data = observation.data as ToolOutputData | undefined;
        if (data?.kind === "text-search") {
          for (const hit of data.results.flat())
            this.#add({ kind: "passage", text: hit.snippet, title: hit.title, url: hit.url, source });
        } else if (data?.kind === "web-visit") {
          for (const page of data.pages)
            this.#add({
              kind: "page",
              text: page.content.slice(0, maxEvidenceChars),
              title: page.title,
              url: page.url,
              source,
            });
        } else if (data?.kind === "image-search") {
          for (const hit of data.results.flat())
            this.#add({
              kind: "image-hit",
              text: hit.title,
              url: hit.link,
              ...(hit.imageId ? { imageId: hit.imageId } : {}),
              source,
            });
        } else if (observation.text.trim() !== "") {
          this.#add({ kind: "passage", text: observation.text.slice(0, maxEvidenceChars), source });
        }
        for (const imageId of observation.images) {
          const ref = images.byId(imageId);
          if (ref?.provenance.kind !== "tool" || data?.kind === "image-search") continue;
          const parent = ref.provenance.parent ? images.byId(ref.provenance.parent)?.label : undefined;
          this.#add({
            kind: "image",
            text: `${ref.label}: ${ref.provenance.operation}${parent ? ` of ${parent}` : ""} ${JSON.stringify(ref.provenance.parameters)}`,
            imageId,
            source,
          });
        }
      }
    }
  }

  #add(item: Omit<Evidence, "id">): void {
    const key = `${item.kind}\u0000${item.url ?? ""}\u0000${item.imageId ?? ""}\u0000${item.text}`;
    if (this.#seen.has(key) || (item.text.trim() === "" && !item.imageId)) return;
    this.#seen.add(key);
    this.#items.push({ id: this.#items.length + 1, ...item });
  }
}
