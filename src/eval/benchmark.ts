import type { EvalItem } from "./eval-item.js";
import type { DataFormat } from "./formats/read-rows.js";

/** What a loader is given besides the data file. */
export interface LoadOptions {
  /** Folder that relative image paths are read from (default: the data file's folder). */
  imageRoot?: string;
  /** MMSearch-Plus: the canary its text fields are encrypted with (default "MMSearch-Plus"). */
  canary?: string;
}

/** One released file on the dataset hub, as `loupe eval fetch` downloads it. */
export interface HubFile {
  /** Hugging Face dataset repository, `owner/name`. */
  repo: string;
  /** Path inside the repository; the file keeps its base name locally unless `saveAs` is given. */
  path: string;
  saveAs?: string;
  /** Git revision (default `main`). */
  revision?: string;
  /** Known SHA-256 of the file; else the hub's X-Linked-Etag (LFS) or ETag (git blob) is checked. */
  sha256?: string;
}

/**
 * A benchmark Loupe can read: its loader and what `loupe eval list` and `loupe eval fetch`
 * say about it. Loaders stream: they yield items as they read, never holding the whole file.
 */
export interface BenchmarkDefinition {
  name: string;
  description: string;
  /** The file formats the loader reads (its released formats and VLMEvalKit's re-release). */
  formats: readonly DataFormat[];
  /** File names looked for when `--data` is a folder, first match wins (fetch writes these). */
  dataFiles: readonly string[];
  /** What EvalItem.category and .subcategory hold for this benchmark, for reports. */
  categories: string;
  /** The released files on the hub; absent where the release is not on the hub (see `hubNote`). */
  hub?: readonly HubFile[];
  /** Where to get the data when `hub` is absent, or what else is needed (images). */
  hubNote?: string;
  load(file: string, options?: LoadOptions): AsyncIterable<EvalItem>;
}
