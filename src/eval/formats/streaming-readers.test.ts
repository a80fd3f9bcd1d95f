import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readDelimitedRecords, readRecordAt } from "./delimited.js";
import { readJsonArray } from "./json-array.js";

let folder: string;
let count = 0;

function write(content: string | Buffer): string {
  count += 1;
  const path = join(folder, `f${count}`);
  writeFileSync(path, content);
  return path;
}

async function records(file: string, chunkSize?: number): Promise<{ fields: string[]; offset: number }[]> {
  const all = [];
  for await (const record of readDelimitedRecords(file, "\t", 0, chunkSize)) all.push(record);
  return all;
}

/** How pandas quotes a TSV cell. */
const cell = (value: string) => (/[\t"\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);

beforeAll(() => {
  folder = mkdtempSync(join(tmpdir(), "loupe-eval-readers-"));
});

afterAll(() => {
  if (folder) rmSync(folder, { recursive: true, force: true });
});

describe("the TSV/CSV reader", () => {
  it("reads quoted cells, doubled quotes, CRLF line ends and UTF-8 across every chunk boundary", async () => {
    const text = 'a\tb\r\n"x\ty"\t"say ""hi""\nthere"\r\n中文\t\r\nlast\tone';
    const file = write(text);
    const expected = [
      { fields: ["a", "b"], offset: 0 },
      { fields: ["x\ty", 'say "hi"\nthere'], offset: 5 },
      { fields: ["中文", ""], offset: Buffer.byteLength('a\tb\r\n"x\ty"\t"say ""hi""\nthere"\r\n') },
      {
        fields: ["last", "one"],
        offset: Buffer.byteLength('a\tb\r\n"x\ty"\t"say ""hi""\nthere"\r\n中文\t\r\n'),
      },
    ];
    for (const chunkSize of [1, 2, 3, 5, 7, 1 << 20])
      expect(await records(file, chunkSize), `chunk ${chunkSize}`).toEqual(expected);
    expect(await readRecordAt(file, "\t", expected[2]!.offset)).toEqual(["中文", ""]);
  });

  it("gives the same records whatever the chunk size (random cells)", async () => {
    const cellText = fc.string({
      unit: fc.constantFrom("a", "Z", "\t", '"', "\n", "\r", "é", "字", " ", "1"),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(cellText, { minLength: 2, maxLength: 2 }), { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 1, max: 9 }),
        async (rows, chunkSize) => {
          const lineEnd = "\n";
          const file = write(rows.map((row) => row.map(cell).join("\t")).join(lineEnd) + lineEnd);
          const read = (await records(file, chunkSize)).map((record) => record.fields);
          // A record whose cells are all empty is a blank line: the reader skips it, as pandas does.
          expect(read).toEqual(rows.filter((row) => !(row.length === 1 && row[0] === "")));
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe("the JSON array reader", () => {
  it("yields each element, strings with brackets, commas and escapes intact, across chunk boundaries", async () => {
    const elements = [{ a: "x, ]}", b: [1, { c: '"q"' }] }, { 字: "値\\", n: null }, { empty: {} }];
    const file = write(` \n${JSON.stringify(elements, null, 1)}\n`);
    for (const chunkSize of [1, 3, 4, 1 << 20]) {
      const read = [];
      for await (const row of readJsonArray(file, chunkSize)) read.push(row.values);
      expect(read, `chunk ${chunkSize}`).toEqual(elements);
    }
  });

  it("reads an id → item object as items with their key, and an empty array as nothing", async () => {
    const read = [];
    for await (const row of readJsonArray(write('{"q1": {"x": 1}, "q,2": {"x": 2}}'), 2))
      read.push(row.values);
    expect(read).toEqual([
      { __key: "q1", x: 1 },
      { __key: "q,2", x: 2 },
    ]);
    const none = [];
    for await (const row of readJsonArray(write("[ ]"))) none.push(row);
    expect(none).toEqual([]);
  });

  it("streams: 10,000 elements are read one at a time, the first before the file is read through", async () => {
    const file = write(
      `[${Array.from({ length: 10_000 }, (_, index) => JSON.stringify({ id: index, text: "x".repeat(200) })).join(",")}]`,
    );
    let seen = 0;
    for await (const row of readJsonArray(file, 64 * 1024)) {
      expect(row.row).toBe(seen + 1);
      seen += 1;
      if (seen === 1) break;
    }
    expect(seen).toBe(1);
    let all = 0;
    for await (const _row of readJsonArray(file)) all += 1;
    expect(all).toBe(10_000);
  });
});
