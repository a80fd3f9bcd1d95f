/**
 * Structured results that tools attach to ToolResult.data, so a dialect can render them the way
 * its model was trained to see them (JSON lists for R1V4, numbered markdown for DeepEyesV2, ...)
 * without knowing which tool or backend produced them. Tools that add a new kind of output add
 * its shape here; dialects fall back to ToolResult.text for kinds they do not know.
 */
export interface TextSearchHit {
  title: string;
  url: string;
  snippet: string;
  date?: string;
}

export interface ImageSearchHit {
  title: string;
  /** Page the image appears on. */
  link: string;
  /** URL of the matched image itself. */
  source: string;
  /** Id of the hit's thumbnail in the run's ImageSet, when it was fetched. */
  imageId?: string;
  /** What a reverse image search found this to be, when the backend says (the local index does). */
  match?: ImageMatchKind;
}

/**
 * `same`: the same picture (resized, recompressed, re-coloured, rotated, mirrored or inside a
 * larger screenshot); `crop`: the query is a part of it, at `region` in the hit's own pixels;
 * `similar`: nearest by appearance, not verified. `score` is 0-1; verified kinds are 0.5 and up.
 */
export interface ImageMatchKind {
  kind: "same" | "crop" | "similar";
  score: number;
  region?: { x: number; y: number; width: number; height: number };
}

export interface PageVisit {
  url: string;
  title: string;
  /** Main content as markdown (or the model-written summary when summarizing is on). */
  content: string;
  summarized: boolean;
}

export type ToolOutputData =
  | { kind: "text-search"; queries: string[]; results: TextSearchHit[][]; backend?: string; notes?: string[] }
  | { kind: "image-search"; results: ImageSearchHit[][]; backend?: string; notes?: string[] }
  | { kind: "web-visit"; pages: PageVisit[]; notes?: string[] }
  | {
      kind: "code";
      stdout: string;
      stderr: string;
      /** repr of the last expression, when the code ended with one. */
      result?: string;
      error?: string;
      /** The sandbox restarted (timeout, crash): earlier variables are gone. */
      restarted?: boolean;
    }
  | {
      kind: "ocr";
      text: string;
      words: { text: string; confidence: number; box: [number, number, number, number] }[];
    };
