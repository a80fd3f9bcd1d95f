import { writeFileSync } from "node:fs";

/**
 * A minimal parquet writer for tests, because no maintained writer is installed (hyparquet-writer
 * is not a dependency): uncompressed PLAIN data pages (v1), RLE levels, one row group, thrift
 * compact metadata, as the format specification lays them out. Enough to write the shapes the
 * releases use (strings, bytes, int64, structs such as Hugging Face's `{bytes, path}` image,
 * lists of structs) so the loaders are tested on real parquet read by hyparquet; not a
 * general writer.
 */
export interface SchemaNode {
  name: string;
  repetition: "required" | "optional" | "repeated";
  /** A leaf's physical type; absent for a group. */
  type?: "BYTE_ARRAY" | "INT64";
  /** UTF8 for strings, LIST for list groups. */
  converted?: "UTF8" | "LIST";
  children?: SchemaNode[];
}

/** One leaf column, already shredded: a value per defined entry, and the levels per entry. */
export interface LeafColumn {
  path: string[];
  values: (Uint8Array | string | bigint)[];
  definitionLevels: number[];
  repetitionLevels?: number[];
}

class Compact {
  bytes: number[] = [];
  #last: number[] = [0];
  varint(value: number | bigint): void {
    let rest = BigInt(value);
    do {
      const byte = Number(rest & 0x7fn);
      rest >>= 7n;
      this.bytes.push(rest > 0n ? byte | 0x80 : byte);
    } while (rest > 0n);
  }
  zigzag(value: number | bigint): void {
    const big = BigInt(value);
    this.varint(big >= 0n ? big << 1n : (-big << 1n) - 1n);
  }
  field(id: number, type: number): void {
    const delta = id - this.#last[this.#last.length - 1]!;
    if (delta > 0 && delta <= 15) this.bytes.push((delta << 4) | type);
    else {
      this.bytes.push(type);
      this.zigzag(id);
    }
    this.#last[this.#last.length - 1] = id;
  }
  i32(id: number, value: number): void {
    this.field(id, 5);
    this.zigzag(value);
  }
  i64(id: number, value: number | bigint): void {
    this.field(id, 6);
    this.zigzag(value);
  }
  binary(id: number, value: string | Uint8Array): void {
    this.field(id, 8);
    const bytes = typeof value === "string" ? new TextEncoder().encode(value) : value;
    this.varint(bytes.length);
    this.bytes.push(...bytes);
  }
  struct(id: number, body: () => void): void {
    this.field(id, 12);
    this.structBody(body);
  }
  structBody(body: () => void): void {
    this.#last.push(0);
    body();
    this.bytes.push(0);
    this.#last.pop();
  }
  list(id: number, elementType: number, items: (() => void)[]): void {
    this.field(id, 9);
    this.bytes.push(items.length < 15 ? (items.length << 4) | elementType : 0xf0 | elementType);
    if (items.length >= 15) this.varint(items.length);
    for (const item of items) item();
  }
}

function levels(values: number[], max: number): number[] {
  if (max === 0) return [];
  const width = max.toString(2).length; // ceil(log2(max + 1))
  const bytesPerValue = Math.ceil(width / 8);
  const out: number[] = [];
  const header = new Compact();
  for (const value of values) {
    header.bytes = [];
    header.varint(1 << 1); // an RLE run of one value
    out.push(...header.bytes);
    for (let index = 0; index < bytesPerValue; index += 1) out.push((value >> (8 * index)) & 0xff);
  }
  const length = out.length;
  return [length & 0xff, (length >> 8) & 0xff, (length >> 16) & 0xff, (length >>> 24) & 0xff, ...out];
}

function plain(values: LeafColumn["values"], type: "BYTE_ARRAY" | "INT64"): number[] {
  const out: number[] = [];
  for (const value of values) {
    if (type === "INT64") {
      let big = BigInt(value as bigint);
      for (let index = 0; index < 8; index += 1) {
        out.push(Number(big & 0xffn));
        big >>= 8n;
      }
      continue;
    }
    const bytes = typeof value === "string" ? new TextEncoder().encode(value) : (value as Uint8Array);
    const length = bytes.length;
    out.push(length & 0xff, (length >> 8) & 0xff, (length >> 16) & 0xff, (length >>> 24) & 0xff, ...bytes);
  }
  return out;
}

const repetitionCode = { required: 0, optional: 1, repeated: 2 } as const;

export function writeParquet(file: string, schema: SchemaNode[], columns: LeafColumn[], rows: number): void {
  const leaves = new Map<string, { node: SchemaNode; maxDefinition: number; maxRepetition: number }>();
  const walk = (nodes: SchemaNode[], path: string[], definition: number, repetition: number) => {
    for (const node of nodes) {
      const d = definition + (node.repetition === "required" ? 0 : 1);
      const r = repetition + (node.repetition === "repeated" ? 1 : 0);
      if (node.children) walk(node.children, [...path, node.name], d, r);
      else leaves.set([...path, node.name].join("."), { node, maxDefinition: d, maxRepetition: r });
    }
  };
  walk(schema, [], 0, 0);

  const body: number[] = [0x50, 0x41, 0x52, 0x31];
  const chunks: { column: LeafColumn; type: "BYTE_ARRAY" | "INT64"; offset: number; size: number; count: number }[] = [];
  for (const column of columns) {
    const leaf = leaves.get(column.path.join("."));
    if (!leaf?.node.type) throw new Error(`no leaf ${column.path.join(".")}`);
    const data = [
      ...levels(column.repetitionLevels ?? [], leaf.maxRepetition),
      ...levels(column.definitionLevels, leaf.maxDefinition),
      ...plain(column.values, leaf.node.type),
    ];
    const header = new Compact();
    header.structBody(() => {
      header.i32(1, 0); // DATA_PAGE
      header.i32(2, data.length);
      header.i32(3, data.length);
      header.struct(5, () => {
        header.i32(1, column.definitionLevels.length);
        header.i32(2, 0); // PLAIN
        header.i32(3, 3); // RLE
        header.i32(4, 3);
      });
    });
    const offset = body.length;
    body.push(...header.bytes, ...data);
    chunks.push({ column, type: leaf.node.type, offset, size: header.bytes.length + data.length, count: column.definitionLevels.length });
  }

  const footer = new Compact();
  const schemaItems: (() => void)[] = [];
  const addSchema = (node: SchemaNode | { name: string; children: SchemaNode[] }, root: boolean) => {
    schemaItems.push(() =>
      footer.structBody(() => {
        const full = node as SchemaNode;
        if (full.type) footer.i32(1, full.type === "BYTE_ARRAY" ? 6 : 2);
        if (!root) footer.i32(3, repetitionCode[full.repetition]);
        footer.binary(4, node.name);
        if (node.children) footer.i32(5, node.children.length);
        if (full.converted) footer.i32(6, full.converted === "UTF8" ? 0 : 3);
      }),
    );
    for (const child of node.children ?? []) addSchema(child, false);
  };
  addSchema({ name: "schema", children: schema }, true);
  footer.structBody(() => {
    footer.i32(1, 1);
    footer.list(2, 12, schemaItems);
    footer.i64(3, rows);
    footer.list(4, 12, [
      () =>
        footer.structBody(() => {
          footer.list(
            1,
            12,
            chunks.map((chunk) => () =>
              footer.structBody(() => {
                footer.i64(2, chunk.offset);
                footer.struct(3, () => {
                  footer.i32(1, chunk.type === "BYTE_ARRAY" ? 6 : 2);
                  footer.list(2, 5, [() => footer.zigzag(0), () => footer.zigzag(3)]);
                  footer.list(3, 8, chunk.column.path.map((part) => () => {
                    const bytes = new TextEncoder().encode(part);
                    footer.varint(bytes.length);
                    footer.bytes.push(...bytes);
                  }));
                  footer.i32(4, 0);
                  footer.i64(5, chunk.count);
                  footer.i64(6, chunk.size);
                  footer.i64(7, chunk.size);
                  footer.i64(9, chunk.offset);
                });
              }),
            ),
          );
          footer.i64(2, chunks.reduce((sum, chunk) => sum + chunk.size, 0));
          footer.i64(3, rows);
        }),
    ]);
  });
  const length = footer.bytes.length;
  body.push(...footer.bytes, length & 0xff, (length >> 8) & 0xff, (length >> 16) & 0xff, (length >>> 24) & 0xff, 0x50, 0x41, 0x52, 0x31);
  writeFileSync(file, Buffer.from(body));
}

/** Shredding for the common case: a flat optional column, one value (or null) per row. */
export function flatColumn(name: string, values: (Uint8Array | string | bigint | null)[]): LeafColumn {
  return {
    path: [name],
    values: values.filter((value) => value !== null) as LeafColumn["values"],
    definitionLevels: values.map((value) => (value === null ? 0 : 1)),
  };
}
