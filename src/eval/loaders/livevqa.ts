import type { BenchmarkDefinition, LoadOptions } from "../benchmark.js";
import type { EvalItem } from "../eval-item.js";
import { type DataRow, failRow, optionalText, requiredText, textList } from "../formats/data-row.js";
import { firstExistingPath } from "../formats/eval-images.js";
import { readRows, requireFormat } from "../formats/read-rows.js";

/**
 * LiveVQA (fumingyang2004/LIVEVQA, `liveVQA_benchmarks/{News,Paper,Video}/benchmark.json`): an
 * array of `{id, img_path, level1_qa, level2_qa, source, time}`, each qa `{question,
 * question_type, options ["A. ...", ...], Ground_Truth (a letter), Ground_Truth_List (the
 * answer's aliases), img_url}`. Each row gives two items, one per level, with ids `<id>-L1`
 * and `<id>-L2` (the release has no id per question). The judge grades the response against the
 * aliases (CORRECT / INCORRECT / NOT_ATTEMPTED). Images: `img_path` beside the file, or in its
 * `images/` or `<Part>_imgs/` folder.
 * meta: `level` (1 | 2), `questionType`, `source`, `time`, `imageUrl`, `sourceId` (the row's id).
 */
export const livevqa: BenchmarkDefinition = {
  name: "livevqa",
  description: "LiveVQA: questions about recent news, papers and videos at two levels, SimpleQA-style judged",
  formats: ["json"],
  dataFiles: ["benchmark.json"],
  categories: "category: level1 | level2; subcategory: question_type (person, location, event, ...)",
  hubNote:
    "the release is github.com/fumingyang2004/LIVEVQA (liveVQA_benchmarks/<Part>/benchmark.json with its image folder).",
  load: loadLivevqa,
};

async function* loadLivevqa(file: string, options: LoadOptions = {}): AsyncGenerator<EvalItem> {
  requireFormat(file, livevqa.formats, "livevqa");
  for await (const row of readRows(file)) {
    const id = requiredText(row, "id");
    for (const level of [1, 2] as const) {
      const field = `level${level}_qa`;
      const qa = row.values[field];
      if (qa === undefined || qa === null) continue;
      if (typeof qa !== "object" || Array.isArray(qa)) failRow(row, field, "expected an object");
      yield levelItem(
        row,
        id,
        level,
        { file: row.file, row: row.row, values: qa as Record<string, unknown> },
        options,
      );
    }
  }
}

function levelItem(row: DataRow, id: string, level: 1 | 2, qa: DataRow, options: LoadOptions): EvalItem {
  const field = `level${level}_qa`;
  const within = (name: string) => `${field}.${name}`;
  const prefixed: DataRow = {
    ...qa,
    values: Object.fromEntries(Object.entries(qa.values).map(([key, value]) => [within(key), value])),
  };
  const choices = (textList(prefixed, within("options")) ?? []).map((option, position) => {
    const letter = String.fromCharCode(65 + position);
    const match = /^\s*([A-Z])[.)]\s*(.*)$/s.exec(option);
    if (!match || match[1] !== letter)
      failRow(prefixed, within("options"), `option ${position + 1} does not start with "${letter}."`);
    return match[2]!.trim();
  });
  const answer = requiredText(prefixed, within("Ground_Truth")).trim();
  const imagePath = optionalText(prefixed, within("img_path")) ?? optionalText(row, "img_path");
  const part = /liveVQA_benchmarks\/(\w+)\//.exec(row.file)?.[1];
  const questionType = optionalText(prefixed, within("question_type"));
  const source = optionalText(row, "source");
  const time = optionalText(row, "time");
  const imageUrl = optionalText(prefixed, within("img_url"));
  return {
    id: `${id}-L${level}`,
    benchmark: "livevqa",
    question: requiredText(prefixed, within("question")),
    choices,
    answer,
    aliases: textList(prefixed, within("Ground_Truth_List")) ?? [],
    images:
      imagePath === undefined
        ? []
        : [
            firstExistingPath(
              row,
              [imagePath, `images/${imagePath}`, ...(part ? [`${part}_imgs/${imagePath}`] : [])],
              options,
            ),
          ],
    category: `level${level}`,
    ...(questionType === undefined ? {} : { subcategory: questionType }),
    meta: {
      level,
      sourceId: id,
      ...(questionType === undefined ? {} : { questionType }),
      ...(source === undefined ? {} : { source }),
      ...(time === undefined ? {} : { time }),
      ...(imageUrl === undefined ? {} : { imageUrl }),
    },
  };
}
