import type { BenchmarkDefinition, LoadOptions } from "../benchmark.js";
import type { EvalItem } from "../eval-item.js";
import { type DataRow, failRow, firstText, optionalText, textList } from "../formats/data-row.js";
import { imagesOf } from "../formats/eval-images.js";
import { readRows, requireFormat } from "../formats/read-rows.js";
import { decryptText, mmsearchPlusCanary } from "./mmsearch-plus-cipher.js";

/**
 * MMSearch-Plus (Cie1/MMSearch-Plus, 311 rows; parquet or JSONL): `question`, `answer` (a list),
 * `video_url`, `arxiv_id` encrypted (see mmsearch-plus-cipher.ts; `--canary` if a release uses
 * another), `category`, `difficulty`, `subtask` in the clear, images in `img_1` ... `img_N` (or
 * `image`/`images`). A row whose question is not base64 is taken as already decrypted (a user's
 * own decrypted copy); an encrypted field that does not decrypt to UTF-8 with the canary is an error.
 * meta: `difficulty`, `subtask`, `videoUrl`, `arxivId`, `encrypted` (whether the row was).
 */
export const mmsearchPlus: BenchmarkDefinition = {
  name: "mmsearch-plus",
  description: "MMSearch-Plus: 311 hard multimodal browsing questions (text fields encrypted in the release)",
  formats: ["parquet", "jsonl"],
  dataFiles: ["MMSearch-Plus.parquet", "mmsearch_plus.parquet", "mmsearch_plus.jsonl"],
  categories: "category: category; subcategory: subtask; meta.difficulty",
  hubNote:
    "Cie1/MMSearch-Plus on the hub; its parquet file name is unverified here: download it from the dataset page.",
  load: loadMmsearchPlus,
};

async function* loadMmsearchPlus(file: string, options: LoadOptions = {}): AsyncGenerator<EvalItem> {
  requireFormat(file, mmsearchPlus.formats, "mmsearch-plus");
  const canary = options.canary ?? mmsearchPlusCanary;
  for await (const row of readRows(file)) {
    const question = optionalText(row, "question");
    if (question === undefined || question.trim() === "") failRow(row, "question", "missing or empty");
    // The question decides for the row: encrypted it is pure base64, in the clear it has spaces
    // (a short answer such as "2014" is valid base64 either way).
    const encrypted = looksEncrypted(question);
    const plain = (field: string, value: string): string => {
      if (!encrypted) return value;
      const decrypted = decryptText(value, canary);
      if (decrypted === undefined)
        failRow(row, field, `does not decrypt to text with the canary "${canary}"`);
      return decrypted;
    };
    const answers = (textList(row, "answer") ?? []).map((answer) => plain("answer", answer));
    if (answers.length === 0) failRow(row, "answer", "no answer");
    const videoUrl = optionalText(row, "video_url");
    const arxivId = optionalText(row, "arxiv_id");
    const category = optionalText(row, "category");
    const subtask = optionalText(row, "subtask");
    const difficulty = optionalText(row, "difficulty");
    const decryptedQuestion = plain("question", question);
    yield {
      id: firstText(row, ["id", "question_id", "index"]) ?? `row${row.row}`,
      benchmark: "mmsearch-plus",
      question: decryptedQuestion,
      answer: answers[0]!,
      aliases: answers.slice(1),
      images: imageColumns(row).flatMap((column) => imagesOf(row, column, options)),
      ...(category === undefined ? {} : { category }),
      ...(subtask === undefined ? {} : { subcategory: subtask }),
      meta: {
        encrypted,
        ...(difficulty === undefined ? {} : { difficulty }),
        ...(subtask === undefined ? {} : { subtask }),
        ...(videoUrl === undefined ? {} : { videoUrl: plain("video_url", videoUrl) }),
        ...(arxivId === undefined ? {} : { arxivId: plain("arxiv_id", arxivId) }),
      },
    };
  }
}

/** A question in the clear has spaces or punctuation; the release's fields are pure base64. */
function looksEncrypted(value: string): boolean {
  return value.length >= 4 && value.length % 4 === 0 && /^[A-Za-z0-9+/]+={0,2}$/.test(value);
}

function imageColumns(row: DataRow): string[] {
  const numbered = Object.keys(row.values)
    .map((key) => ({ key, number: /^img_(\d+)$/.exec(key)?.[1] }))
    .filter((entry) => entry.number !== undefined)
    .sort((a, b) => Number(a.number) - Number(b.number))
    .map((entry) => entry.key);
  return [...["image", "images"].filter((key) => key in row.values), ...numbered];
}
