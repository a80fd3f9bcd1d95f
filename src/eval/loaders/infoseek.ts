import { existsSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import type { BenchmarkDefinition, LoadOptions } from "../benchmark.js";
import { evalDataError } from "../eval-data-error.js";
import type { EvalItem } from "../eval-item.js";
import { type DataRow, failRow, optionalText, requiredText, textList } from "../formats/data-row.js";
import { firstExistingPath } from "../formats/eval-images.js";
import { readJsonLines } from "../formats/json-lines.js";
import { requireFormat } from "../formats/read-rows.js";

/**
 * InfoSeek (jsonl: `infoseek_val.jsonl`, ...): `data_id`, `image_id` (an OVEN image,
 * `<image_id>.jpg` under the image folder: `--image-root`, else `images/` beside the file),
 * `question`, `answer` (list), `answer_eval` (the answers the official script accepts: strings,
 * or for numeric questions `[{"wikidata": v, "range": [lo, hi]}]`), `data_split`
 * (`val_unseen_question` | `val_unseen_entity`). The question type (TIME | NUMERICAL | STRING)
 * comes from the row's `question_type`, else from the `<name>_qtype.jsonl` file the release
 * ships beside it (read into a map of id → type, the only thing held whole).
 * meta: `answerEval` (as released), `range` (`[lo, hi]` for numeric questions), `dataSplit`,
 * `questionType`, `imageId`.
 */
export const infoseek: BenchmarkDefinition = {
  name: "infoseek",
  description:
    "InfoSeek: info-seeking questions about visual entities; numeric answers scored by range, unseen question/entity splits",
  formats: ["jsonl"],
  dataFiles: ["infoseek_val.jsonl", "infoseek_test.jsonl"],
  categories: "category: data_split (unseen_question | unseen_entity); subcategory: question type",
  hubNote:
    "the annotations are on Google Storage (see github.com/open-vision-language/infoseek), images are OVEN's: not fetched.",
  load: loadInfoseek,
};

async function* loadInfoseek(file: string, options: LoadOptions = {}): AsyncGenerator<EvalItem> {
  requireFormat(file, infoseek.formats, "infoseek");
  const types = await questionTypes(file);
  for await (const row of readJsonLines(file)) {
    const id = requiredText(row, "data_id");
    const answers = textList(row, "answer") ?? [];
    const answerEval = row.values.answer_eval;
    const range = numericRange(row, answerEval);
    const texts = Array.isArray(answerEval) ? answerEval.filter((value) => typeof value === "string") : [];
    const first = answers[0] ?? texts[0] ?? (range ? `${range[0]} - ${range[1]}` : undefined);
    if (first === undefined) failRow(row, "answer", "no answer");
    const dataSplit = optionalText(row, "data_split");
    const questionType = optionalText(row, "question_type") ?? types.get(id);
    const imageId = optionalText(row, "image_id");
    yield {
      id,
      benchmark: "infoseek",
      question: requiredText(row, "question"),
      answer: first,
      aliases: [...new Set([...answers, ...texts])].filter((answer) => answer !== first),
      images: imageId === undefined ? [] : [imageOf(row, imageId, options)],
      ...(dataSplit === undefined ? {} : { category: dataSplit.replace(/^(val|test)_/, "") }),
      ...(questionType === undefined ? {} : { subcategory: questionType }),
      meta: {
        answerEval,
        ...(range ? { range } : {}),
        ...(dataSplit === undefined ? {} : { dataSplit }),
        ...(questionType === undefined ? {} : { questionType }),
        ...(imageId === undefined ? {} : { imageId }),
      },
    };
  }
}

/** `[{"wikidata": 1.0, "range": [0.9, 1.1]}]` (or the object alone) → [0.9, 1.1]. */
function numericRange(row: DataRow, answerEval: unknown): [number, number] | undefined {
  const entry = Array.isArray(answerEval) ? answerEval[0] : answerEval;
  if (!entry || typeof entry !== "object" || !("range" in entry)) return undefined;
  const range = (entry as { range: unknown }).range;
  if (
    !Array.isArray(range) ||
    range.length < 2 ||
    !range.slice(0, 2).every((value) => Number.isFinite(Number(value)))
  )
    failRow(row, "answer_eval", "range must be two numbers");
  return [Number(range[0]), Number(range[1])];
}

async function questionTypes(file: string): Promise<Map<string, string>> {
  const types = new Map<string, string>();
  const sibling = join(dirname(file), basename(file).replace(/(_withkb)?\.jsonl$/i, "_qtype.jsonl"));
  if (sibling === file || !existsSync(sibling)) return types;
  for await (const row of readJsonLines(sibling)) {
    const id = optionalText(row, "data_id");
    const type = optionalText(row, "question_type");
    if (id === undefined || type === undefined)
      throw evalDataError({ file: sibling, row: row.row }, "needs data_id and question_type");
    types.set(id, type);
  }
  return types;
}

function imageOf(row: DataRow, imageId: string, options: LoadOptions) {
  const names = [".jpg", ".JPEG", ".jpeg", ".png"].map((extension) => `${imageId}${extension}`);
  const context = { imageRoot: options.imageRoot ?? join(dirname(row.file), "images") };
  return firstExistingPath(row, names, context);
}
