/**
 * The shapes every evaluation part shares: loaders turn a benchmark's released files into
 * `EvalItem`s, scorers turn (item, response) into an `ItemScore`, the runner and reports read
 * both. Benchmark-specific fields a scorer needs (HR-Bench's cycle, TreeBench's boxes, InfoSeek's
 * numeric range, LiveVQA's level) travel in `meta` under names the loader documents.
 */

/** Where an item's image comes from, as the release gives it; read with images/load-image.ts. */
export type EvalImage =
  | { kind: "bytes"; bytes: Uint8Array; name?: string }
  | { kind: "path"; path: string }
  | { kind: "url"; url: string };

export interface EvalItem {
  /** The benchmark's own item id (`Question_id`, `index`, `question_id`, ...), as a string. */
  id: string;
  /** The benchmark's name in the registry (`vstar`, `hrbench-4k`, `livevqa`, ...). */
  benchmark: string;
  /** The question as the benchmark's own prompt puts it, without the options when `choices` is set. */
  question: string;
  /** Multiple-choice options, in order: A, B, C, ... (text only, no "(A)" prefix). */
  choices?: string[];
  /**
   * The gold answer: an option letter for multiple choice, else the answer text; further
   * acceptable answers (aliases, alternatives) in `aliases`.
   */
  answer: string;
  aliases?: string[];
  images: EvalImage[];
  /** The category the benchmark reports by (V*'s direct_attributes, HR-Bench's FSP, ...). */
  category?: string;
  subcategory?: string;
  /** Fields a scorer or report needs beyond the above, named by the loader. */
  meta: Record<string, unknown>;
}

/** One call to an LLM judge, recorded with the item it judged. */
export interface JudgeCall {
  model: string;
  prompt: string;
  reply: string;
  /** The verdict the parser read from the reply (`correct`, `incorrect`, `not-attempted`, `yes`, a letter, ...). */
  verdict: string;
}

export interface ItemScore {
  id: string;
  /** The answer the scorer extracted from the response (an option letter, the <answer> text, ...), if any. */
  extracted?: string;
  correct: boolean;
  /** 0–1 (F1, IoU, 1/0 for exact scorers). */
  score: number;
  /** One line saying why, for the report and the viewer. */
  why: string;
  /** SimpleQA-style grades distinguish an attempt from none. */
  attempted?: boolean;
  judge?: JudgeCall[];
}
