import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { flatColumn, writeParquet } from "../../../test/support/parquet-writer.js";
import { loadBenchmark } from "../benchmarks.js";
import type { EvalItem } from "../eval-item.js";
import { encryptText } from "./mmsearch-plus-cipher.js";

/** Small files in each benchmark's released format, written here, read by the real loaders. */
let folder: string;
let red: Buffer;
let blue: Buffer;

async function collect(items: AsyncIterable<EvalItem>): Promise<EvalItem[]> {
  const all: EvalItem[] = [];
  for await (const item of items) all.push(item);
  return all;
}

function write(name: string, text: string): string {
  const path = join(folder, name);
  writeFileSync(path, text);
  return path;
}

/** A TSV as pandas writes it: fields with a tab, quote or newline quoted, quotes doubled. */
function tsv(header: string[], rows: string[][]): string {
  const cell = (value: string) => (/[\t"\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);
  return [header, ...rows].map((row) => row.map(cell).join("\t")).join("\n") + "\n";
}

function bytesOf(item: EvalItem, index = 0): Buffer {
  const image = item.images[index]!;
  if (image.kind !== "bytes") throw new Error(`image ${index} is ${image.kind}`);
  return Buffer.from(image.bytes);
}

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), "loupe-eval-formats-"));
  red = await sharp({ create: { width: 8, height: 6, channels: 3, background: "#d22" } })
    .jpeg()
    .toBuffer();
  blue = await sharp({ create: { width: 5, height: 5, channels: 3, background: "#22d" } })
    .png()
    .toBuffer();
});

afterAll(() => {
  if (folder) rmSync(folder, { recursive: true, force: true });
});

describe("VLMEvalKit TSVs with base64 images", () => {
  it("VStarBench.tsv: options from A.., quoted cells with tabs, quotes and line breaks", async () => {
    const file = write(
      "VStarBench.tsv",
      tsv(
        ["index", "image", "question", "A", "B", "C", "D", "answer", "category"],
        [
          [
            "0",
            red.toString("base64"),
            'What is the "color"\tof the cup?\nAnswer briefly.',
            "red",
            "blue",
            "",
            "",
            "A",
            "direct_attributes",
          ],
          [
            "1",
            blue.toString("base64"),
            "Is the dog left of the cat?",
            "yes",
            "no",
            "maybe",
            "unclear",
            "D",
            "relative_position",
          ],
        ],
      ),
    );
    const items = await collect(loadBenchmark("vstar", file));
    expect(items.map((item) => item.id)).toEqual(["0", "1"]);
    expect(items[0]).toMatchObject({
      question: 'What is the "color"\tof the cup?\nAnswer briefly.',
      choices: ["red", "blue"],
      answer: "A",
      category: "direct_attributes",
    });
    expect(bytesOf(items[0]!).equals(red)).toBe(true);
    expect(items[1]!.choices).toEqual(["yes", "no", "maybe", "unclear"]);
    expect(bytesOf(items[1]!).equals(blue)).toBe(true);
  });

  it("HRBench4K.tsv: rotations share an image by index (earlier or later row), cycle_category kept", async () => {
    const header = ["index", "question", "A", "B", "C", "D", "answer", "category", "cycle_category", "image"];
    const file = write(
      "hr_bench_4k.tsv",
      tsv(header, [
        [
          "10",
          "What is written on the sign?",
          "STOP",
          "GO",
          "YIELD",
          "EXIT",
          "A",
          "single",
          "cycle_0",
          red.toString("base64"),
        ],
        ["11", "What is written on the sign?", "GO", "YIELD", "EXIT", "STOP", "D", "single", "cycle_1", "10"],
        ["12", "Which is taller?", "tree", "pole", "man", "car", "B", "cross", "cycle_0", "13"],
        [
          "13",
          "Which is taller?",
          "pole",
          "man",
          "car",
          "tree",
          "A",
          "cross",
          "cycle_1",
          blue.toString("base64"),
        ],
      ]),
    );
    const items = await collect(loadBenchmark("hrbench-4k", folder));
    expect(
      items.map((item) => [
        item.id,
        item.category,
        item.meta.cycleCategory,
        item.meta.rotation,
        item.meta.task,
      ]),
    ).toEqual([
      ["10", "single", "cycle_0", 0, "FSP"],
      ["11", "single", "cycle_1", 1, "FSP"],
      ["12", "cross", "cycle_0", 0, "FCP"],
      ["13", "cross", "cycle_1", 1, "FCP"],
    ]);
    expect(bytesOf(items[1]!).equals(red)).toBe(true);
    expect(bytesOf(items[2]!).equals(blue)).toBe(true);
    // The same file through the 8K entry is the same layout.
    expect((await collect(loadBenchmark("hrbench-8k", file))).length).toBe(4);
  });

  it("MME-RealWorld-Lite TSV: Perception/Reasoning from the category path, several images as a list literal", async () => {
    const images = `['${red.toString("base64")}', '${blue.toString("base64")}']`;
    const file = write(
      "mme_realworld_lite.tsv",
      tsv(
        ["index", "image", "question", "A", "B", "C", "D", "E", "answer", "category", "l2-category"],
        [["7", images, "How many cars?", "1", "2", "3", "4", "5", "C", "Perception/Monitoring", "counting"]],
      ),
    );
    const [item] = await collect(loadBenchmark("mme-realworld-lite", file));
    expect(item).toMatchObject({
      id: "7",
      choices: ["1", "2", "3", "4", "5"],
      answer: "C",
      category: "Perception",
      subcategory: "Monitoring",
    });
    expect(item!.meta).toEqual({ categoryPath: "Perception/Monitoring", l2Category: "counting" });
    expect(item!.images).toHaveLength(2);
    expect(bytesOf(item!, 1).equals(blue)).toBe(true);
  });

  it("TreeBench.tsv: target_instances parsed, boxes kept for mIoU", async () => {
    const file = write(
      "TreeBench.tsv",
      tsv(
        ["index", "image", "question", "A", "B", "answer", "category", "target_instances"],
        [
          [
            "3",
            red.toString("base64"),
            "What is on the table?",
            "cup",
            "pen",
            "B",
            "Attributes",
            '[{"name": "pen", "bbox": [10, 20, 30, 40]}]',
          ],
        ],
      ),
    );
    const [item] = await collect(loadBenchmark("treebench", file));
    expect(item).toMatchObject({
      id: "3",
      answer: "B",
      category: "Attributes",
      meta: { boxes: [[10, 20, 30, 40]] },
    });
  });

  it("a generic TSV is read as VLMEvalKit's layout, told by its columns", async () => {
    const file = write(
      "mine.tsv",
      tsv(
        ["index", "image", "question", "answer", "category"],
        [["q1", red.toString("base64"), "Name the fruit.", "apple", "food"]],
      ),
    );
    const [item] = await collect(loadBenchmark("generic", file));
    expect(item).toMatchObject({ id: "q1", question: "Name the fruit.", answer: "apple", category: "food" });
    expect(item!.choices).toBeUndefined();
  });
});

describe("the original releases", () => {
  it("V* test_questions.jsonl: inline options split, image path beside the file, its annotation read", async () => {
    writeFileSync(join(folder, "sa_1.jpg"), red);
    writeFileSync(
      join(folder, "sa_1.json"),
      JSON.stringify({ target_object: ["cup"], bbox: [[1, 2, 3, 4]] }),
    );
    const file = write(
      "test_questions.jsonl",
      `${JSON.stringify({
        question_id: 0,
        image: "sa_1.jpg",
        text: "What is the color of the cup?\n(A) white\n(B) red\n(C) black\nAnswer with the option's letter from the given choices directly.",
        category: "direct_attributes",
        label: "B",
      })}\n`,
    );
    const [item] = await collect(loadBenchmark("vstar", file));
    expect(item).toMatchObject({
      id: "0",
      question: "What is the color of the cup?",
      choices: ["white", "red", "black"],
      answer: "B",
      category: "direct_attributes",
      images: [{ kind: "path", path: join(folder, "sa_1.jpg") }],
      meta: { targetObjects: ["cup"], boxes: [[1, 2, 3, 4]] },
    });
  });

  it("MME-RealWorld JSON: `(A) ...` choices, Task and Subtask as categories, image under --image-root", async () => {
    const file = write(
      "MME_RealWorld.json",
      JSON.stringify([
        {
          Question_id: "perception/remote_sensing/0001",
          Image: "remote_sensing/03553_Toronto.png",
          Text: "What color is the roof of the building in the top left?",
          "Answer choices": [
            "(A) red",
            "(B) white",
            "(C) green",
            "(D) black",
            "(E) This image doesn't feature the color.",
          ],
          "Ground truth": "B",
          Task: "Perception",
          Subtask: "Remote Sensing",
          Category: "color",
        },
      ]),
    );
    const [item] = await collect(loadBenchmark("mme-realworld", file, { imageRoot: "/data/mme" }));
    expect(item).toMatchObject({
      id: "perception/remote_sensing/0001",
      choices: ["red", "white", "green", "black", "This image doesn't feature the color."],
      answer: "B",
      category: "Perception",
      subcategory: "Remote Sensing",
      images: [{ kind: "path", path: "/data/mme/remote_sensing/03553_Toronto.png" }],
      meta: { taskCategory: "color" },
    });
  });

  it("MMSearch end2end parquet: the image struct's bytes, alternative answers, the shipped search screenshot", async () => {
    const file = join(folder, "end2end.parquet");
    const imageStruct = (name: string) => ({
      name,
      repetition: "optional" as const,
      children: [
        { name: "bytes", repetition: "optional" as const, type: "BYTE_ARRAY" as const },
        {
          name: "path",
          repetition: "optional" as const,
          type: "BYTE_ARRAY" as const,
          converted: "UTF8" as const,
        },
      ],
    });
    const text = (name: string) => ({
      name,
      repetition: "optional" as const,
      type: "BYTE_ARRAY" as const,
      converted: "UTF8" as const,
    });
    writeParquet(
      file,
      [
        text("sample_id"),
        text("query"),
        imageStruct("query_image"),
        imageStruct("image_search_result"),
        text("area"),
        text("subfield"),
        text("gt_answer"),
        {
          name: "alternative_gt_answers",
          repetition: "optional",
          converted: "LIST",
          children: [{ name: "list", repetition: "repeated", children: [text("element")] }],
        },
      ],
      [
        flatColumn("sample_id", ["news_0", "knowledge_1"]),
        flatColumn("query", ["Who won the race shown?", "What year was the film released?"]),
        { path: ["query_image", "bytes"], values: [red], definitionLevels: [2, 0] },
        { path: ["query_image", "path"], values: [], definitionLevels: [1, 0] },
        { path: ["image_search_result", "bytes"], values: [blue], definitionLevels: [2, 0] },
        { path: ["image_search_result", "path"], values: [], definitionLevels: [1, 0] },
        flatColumn("area", ["news", "knowledge"]),
        flatColumn("subfield", ["sports", "film"]),
        flatColumn("gt_answer", ["Tamirat Tola", "1994"]),
        {
          path: ["alternative_gt_answers", "list", "element"],
          values: ["Tola", "T. Tola"],
          definitionLevels: [3, 3, 1],
          repetitionLevels: [0, 1, 0],
        },
      ],
      2,
    );
    const items = await collect(loadBenchmark("mmsearch", folder));
    expect(items[0]).toMatchObject({
      id: "news_0",
      question: "Who won the race shown?",
      answer: "Tamirat Tola",
      aliases: ["Tola", "T. Tola"],
      category: "news",
      subcategory: "sports",
      meta: { hasImage: true, imageSearchResult: { kind: "bytes" } },
    });
    expect(bytesOf(items[0]!).equals(red)).toBe(true);
    expect(items[1]).toMatchObject({ id: "knowledge_1", images: [], aliases: [], meta: { hasImage: false } });
  });

  it("FVQA parquet: the user turn without <image>, images as a list of byte structs, candidates from a JSON string", async () => {
    const file = join(folder, "fvqa_test.parquet");
    const text = (name: string) => ({
      name,
      repetition: "optional" as const,
      type: "BYTE_ARRAY" as const,
      converted: "UTF8" as const,
    });
    writeParquet(
      file,
      [
        text("data_id"),
        {
          name: "prompt",
          repetition: "optional",
          converted: "LIST",
          children: [
            {
              name: "list",
              repetition: "repeated",
              children: [
                { name: "element", repetition: "optional", children: [text("role"), text("content")] },
              ],
            },
          ],
        },
        {
          name: "images",
          repetition: "optional",
          converted: "LIST",
          children: [
            {
              name: "list",
              repetition: "repeated",
              children: [
                {
                  name: "element",
                  repetition: "optional",
                  children: [{ name: "bytes", repetition: "optional", type: "BYTE_ARRAY" }],
                },
              ],
            },
          ],
        },
        {
          name: "reward_model",
          repetition: "optional",
          children: [text("ground_truth"), text("candidate_answers")],
        },
        text("category"),
      ],
      [
        flatColumn("data_id", ["fvqa_1"]),
        {
          path: ["prompt", "list", "element", "role"],
          values: ["system", "user"],
          definitionLevels: [4, 4],
          repetitionLevels: [0, 1],
        },
        {
          path: ["prompt", "list", "element", "content"],
          values: ["Answer in <answer> tags.", "<image>\nWhich bridge is this?"],
          definitionLevels: [4, 4],
          repetitionLevels: [0, 1],
        },
        {
          path: ["images", "list", "element", "bytes"],
          values: [red],
          definitionLevels: [4],
          repetitionLevels: [0],
        },
        { path: ["reward_model", "ground_truth"], values: ["Golden Gate Bridge"], definitionLevels: [2] },
        {
          path: ["reward_model", "candidate_answers"],
          values: ['["Golden Gate Bridge", "the Golden Gate"]'],
          definitionLevels: [2],
        },
        flatColumn("category", ["search_required"]),
      ],
      1,
    );
    const [item] = await collect(loadBenchmark("fvqa", file));
    expect(item).toMatchObject({
      id: "fvqa_1",
      question: "Which bridge is this?",
      answer: "Golden Gate Bridge",
      aliases: ["the Golden Gate"],
      category: "search_required",
    });
    expect(bytesOf(item!).equals(red)).toBe(true);
  });

  it("MMSearch-Plus: encrypted fields decrypt with the canary (round trip); a wrong canary is refused", async () => {
    const plain = {
      question: "Which conference poster is this?",
      answer: ["CVPR 2024", "CVPR"],
      video_url: "https://example.org/v",
      arxiv_id: "2401.00001",
    };
    const file = write(
      "mmsearch_plus.jsonl",
      `${JSON.stringify({
        question: encryptText(plain.question),
        answer: plain.answer.map((answer) => encryptText(answer)),
        video_url: encryptText(plain.video_url),
        arxiv_id: encryptText(plain.arxiv_id),
        category: "academic",
        difficulty: "hard",
        subtask: "poster",
        img_1: `data:image/png;base64,${blue.toString("base64")}`,
      })}\n${JSON.stringify({ question: "Already decrypted: who is this?", answer: ["2014"], category: "people" })}\n`,
    );
    expect(encryptText(plain.question)).not.toContain("conference");
    const items = await collect(loadBenchmark("mmsearch-plus", file));
    expect(items[0]).toMatchObject({
      id: "row1",
      question: plain.question,
      answer: "CVPR 2024",
      aliases: ["CVPR"],
      category: "academic",
      subcategory: "poster",
      meta: { encrypted: true, difficulty: "hard", videoUrl: plain.video_url, arxivId: plain.arxiv_id },
    });
    expect(bytesOf(items[0]!).equals(blue)).toBe(true);
    expect(items[1]).toMatchObject({
      question: "Already decrypted: who is this?",
      answer: "2014",
      meta: { encrypted: false },
    });
    await expect(collect(loadBenchmark("mmsearch-plus", file, { canary: "wrong" }))).rejects.toMatchObject({
      code: "eval-data",
      message: expect.stringMatching(
        /mmsearch_plus\.jsonl, row 1, field "question": does not decrypt to text with the canary "wrong"/,
      ),
    });
  });

  it("InfoSeek: numeric range from answer_eval, question type from the _qtype file, split as category", async () => {
    write(
      "infoseek_val_qtype.jsonl",
      `${JSON.stringify({ data_id: "val_1", question_type: "NUMERICAL" })}\n${JSON.stringify({ data_id: "val_2", question_type: "STRING" })}\n`,
    );
    const file = write(
      "infoseek_val.jsonl",
      `${JSON.stringify({
        data_id: "val_1",
        image_id: "oven_01",
        question: "How tall is this building in metres?",
        answer: ["828"],
        answer_eval: [{ wikidata: 828, range: [745.2, 910.8] }],
        data_split: "val_unseen_question",
      })}\n${JSON.stringify({
        data_id: "val_2",
        image_id: "oven_02",
        question: "Who designed this bridge?",
        answer: ["Joseph Strauss"],
        answer_eval: ["Joseph Strauss", "Joseph B. Strauss"],
        data_split: "val_unseen_entity",
      })}\n`,
    );
    const items = await collect(loadBenchmark("infoseek", file));
    expect(items[0]).toMatchObject({
      id: "val_1",
      answer: "828",
      category: "unseen_question",
      subcategory: "NUMERICAL",
      meta: {
        range: [745.2, 910.8],
        dataSplit: "val_unseen_question",
        questionType: "NUMERICAL",
        imageId: "oven_01",
      },
      images: [{ kind: "path", path: join(folder, "images", "oven_01.jpg") }],
    });
    expect(items[1]).toMatchObject({
      answer: "Joseph Strauss",
      aliases: ["Joseph B. Strauss"],
      category: "unseen_entity",
    });
  });

  it("RealX-Bench: ' or ' answers as aliases, capability flags, integration", async () => {
    const file = write(
      "realxbench.jsonl",
      `${JSON.stringify({ id: 5, query: "What is the brand?", answer: "Nike or Nike Inc.", perception: 1, search: 1, reason: 1, image: "x.jpg" })}\n${JSON.stringify({ id: 6, query: "Count the birds.", answer: "4", perception: 1, search: 0, reason: "0", image: "y.jpg" })}\n`,
    );
    const items = await collect(loadBenchmark("realx-bench", file));
    expect(items[0]).toMatchObject({
      id: "5",
      answer: "Nike or Nike Inc.",
      aliases: ["Nike", "Nike Inc."],
      category: "integration",
      meta: { integration: true },
    });
    expect(items[1]).toMatchObject({
      id: "6",
      aliases: [],
      category: "perception",
      meta: { perception: true, search: false, reason: false, integration: false },
    });
  });

  it("SimpleVQA JSONL with a base64 image", async () => {
    const file = write(
      "simplevqa.jsonl",
      `${JSON.stringify({ data_id: 9, image: red.toString("base64"), question: "这是哪座城市？", answer: "上海", language: "CN", vqa_category: "地理" })}\n`,
    );
    const [item] = await collect(loadBenchmark("simplevqa", file));
    expect(item).toMatchObject({
      id: "9",
      question: "这是哪座城市？",
      answer: "上海",
      category: "地理",
      meta: { language: "CN" },
    });
    expect(bytesOf(item!).equals(red)).toBe(true);
  });
});

describe("the generic format", () => {
  it("JSONL: choices, aliases, several images (path, URL, data URL), other fields to meta", async () => {
    const file = write(
      "data.jsonl",
      `${JSON.stringify({
        id: "a1",
        question: "Which animal?",
        choices: ["cat", "dog"],
        answer: "B",
        aliases: ["puppy"],
        images: [
          "pics/dog.jpg",
          "https://example.org/dog.png",
          `data:image/jpeg;base64,${red.toString("base64")}`,
        ],
        category: "animals",
        difficulty: 2,
      })}\n`,
    );
    const [item] = await collect(loadBenchmark("generic", file));
    expect(item).toMatchObject({
      id: "a1",
      choices: ["cat", "dog"],
      answer: "B",
      aliases: ["puppy"],
      category: "animals",
      meta: { difficulty: 2 },
      images: [
        { kind: "path", path: join(folder, "pics", "dog.jpg") },
        { kind: "url", url: "https://example.org/dog.png" },
        { kind: "bytes" },
      ],
    });
  });

  it("CSV: option columns, |-separated aliases, quoted commas", async () => {
    const file = write(
      "data.csv",
      'id,question,A,B,C,answer,aliases,image\nc1,"Red, green or blue?",red,green,blue,C,"navy|azure",img.png\n',
    );
    const [item] = await collect(loadBenchmark("generic", file));
    expect(item).toMatchObject({
      id: "c1",
      question: "Red, green or blue?",
      choices: ["red", "green", "blue"],
      answer: "C",
      aliases: ["navy", "azure"],
    });
    expect(item!.meta).toEqual({});
  });
});

describe("bad data is an eval-data error naming the file, row and field", () => {
  const cases: [string, string, string, string, RegExp][] = [
    [
      "a truncated base64 image",
      "vstar",
      "bad.tsv",
      tsv(
        ["index", "image", "question", "A", "B", "answer"],
        [["0", "QUJD".repeat(30), "Q?", "x", "y", "A"]],
      ),
      /bad\.tsv, row 1, field "image": 90 bytes that are not an image/,
    ],
    [
      "an image reference to a missing row",
      "hrbench-4k",
      "ref.tsv",
      tsv(["index", "question", "A", "answer", "image"], [["1", "Q?", "x", "A", "99"]]),
      /ref\.tsv, row 1, field "image": refers to row index 99, which the file does not have/,
    ],
    [
      "a TSV without VLMEvalKit's columns",
      "vstar",
      "cols.tsv",
      tsv(["id", "text"], [["1", "Q"]]),
      /cols\.tsv: not a VLMEvalKit TSV: no column index, question, image or image_path/,
    ],
    [
      "a JSONL line that is not JSON",
      "browsecomp-vl",
      "broken.jsonl",
      '{"question": "ok", "answers": ["a"]}\n{"question": \n',
      /broken\.jsonl, row 2: not valid JSON/,
    ],
    [
      "a missing question",
      "mmsearch-171",
      "noq.jsonl",
      `${JSON.stringify({ question_id: 1, answers: ["a"], file_path: "https://x/y.jpg" })}\n`,
      /noq\.jsonl, row 1, field "prompt": missing or empty/,
    ],
    [
      "LiveVQA options without their letters",
      "livevqa",
      "benchmark.json",
      JSON.stringify([
        {
          id: "x",
          img_path: "a.jpg",
          level1_qa: { question: "Q?", options: ["A. one", "two"], Ground_Truth: "A" },
        },
      ]),
      /benchmark\.json, row 1, field "level1_qa\.options": option 2 does not start with "B\."/,
    ],
    [
      "a generic answer outside the choices",
      "generic",
      "g.jsonl",
      `${JSON.stringify({ id: "1", question: "Q?", choices: ["a", "b"], answer: "D" })}\n`,
      /g\.jsonl, row 1, field "answer": "D" but there are 2 choices/,
    ],
    [
      "a duplicate generic id",
      "generic",
      "dup.jsonl",
      `${JSON.stringify({ id: "1", question: "Q?", answer: "x" })}\n${JSON.stringify({ id: "1", question: "Q2?", answer: "y" })}\n`,
      /dup\.jsonl, row 2, field "id": "1" is used by an earlier row/,
    ],
    [
      "a JSON file cut short",
      "livevqa",
      "cut.json",
      '[{"id": "x", "level1_qa": {"question": "Q"',
      /cut\.json: the JSON ends before its top-level value closes/,
    ],
    [
      "a format the benchmark was not released in",
      "livevqa",
      "live.tsv",
      "id\n1\n",
      /live\.tsv: livevqa is read from json files, not tsv/,
    ],
    [
      "a file that is not parquet",
      "fvqa",
      "fake.parquet",
      "not parquet at all",
      /fake\.parquet: not a readable parquet file/,
    ],
  ];
  for (const [what, benchmark, name, content, message] of cases) {
    it(what, async () => {
      const file = write(name, content);
      await expect(collect(loadBenchmark(benchmark, file))).rejects.toMatchObject({
        code: "eval-data",
        message: expect.stringMatching(message),
      });
    });
  }
});
