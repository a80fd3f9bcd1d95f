import { createInflate, deflateSync } from "node:zlib";

export interface BoundedPdf {
  /** The PDF to hand to pdf.js: the input, or a copy with the streams past the budget emptied. */
  bytes: Uint8Array;
  /** Bytes the kept FlateDecode streams inflate to, all together. */
  inflatedBytes: number;
  /** FlateDecode streams found, and how many of them were emptied because they did not fit. */
  flateStreams: number;
  emptiedStreams: number;
}

const streamKeyword = Buffer.from("stream");
const endstreamKeyword = Buffer.from("endstream");
const objKeyword = Buffer.from("obj");
/** A zlib stream of no bytes; pdf.js stops at its final block and ignores the padding after it. */
const emptyFlate = deflateSync(Buffer.alloc(0));

/**
 * Keeps a PDF's decompression within a budget before pdf.js sees it. pdf.js inflates streams
 * into growing typed arrays, which a worker's heap limit does not count (they are external
 * memory): a 2 MB file whose stream inflates to 2 GB took 4.4 GB. So every FlateDecode stream is
 * inflated here first, in file order, counting the bytes and keeping none; a stream that would
 * take the total past `maxInflatedBytes` is replaced, in a copy and in place (byte offsets and
 * the xref table stay valid), by an empty zlib stream. pdf.js then reads the rest of the document.
 * Checking costs at most the budget once more per stream that does not fit, and the checking
 * stops (emptying all later streams) after four budgets' worth of inflating.
 */
export async function boundPdfInflation(pdf: Uint8Array, maxInflatedBytes: number): Promise<BoundedPdf> {
  const source = Buffer.from(pdf.buffer, pdf.byteOffset, pdf.byteLength);
  let copy: Buffer | undefined;
  let inflatedBytes = 0;
  let checkedBytes = 0;
  let flateStreams = 0;
  let emptiedStreams = 0;
  for (const stream of findFlateStreams(source)) {
    flateStreams++;
    const remaining = maxInflatedBytes - inflatedBytes;
    const size =
      checkedBytes > 4 * maxInflatedBytes
        ? Number.POSITIVE_INFINITY
        : await inflatedSize(source.subarray(stream.start, stream.end), stream.stages, remaining);
    checkedBytes += Math.min(size, remaining + 1);
    if (size <= remaining) {
      inflatedBytes += size;
      continue;
    }
    let replacement = emptyFlate;
    for (let stage = 1; stage < stream.stages; stage++) replacement = deflateSync(replacement);
    if (replacement.length > stream.end - stream.start) continue;
    copy ??= Buffer.from(source);
    copy.fill(0x20, stream.start, stream.end);
    replacement.copy(copy, stream.start);
    emptiedStreams++;
  }
  return { bytes: copy ?? pdf, inflatedBytes, flateStreams, emptiedStreams };
}

interface FlateStream {
  start: number;
  end: number;
  /** How many FlateDecode filters in a row the data goes through (`[/FlateDecode /FlateDecode]`). */
  stages: number;
}

/**
 * The data of each stream whose filters are all FlateDecode, found on the raw bytes: streams never
 * nest (object streams hold objects, not streams), so every one sits in the file itself. Streams
 * with other filters are left to pdf.js and the worker's memory watch.
 */
function* findFlateStreams(pdf: Buffer): Generator<FlateStream> {
  let at = 0;
  for (;;) {
    const keyword = pdf.indexOf(streamKeyword, at);
    if (keyword < 0) return;
    at = keyword + streamKeyword.length;
    // "endstream" contains "stream"; the data starts after an EOL that follows "stream".
    if (keyword >= 3 && pdf.toString("latin1", keyword - 3, keyword) === "end") continue;
    let start = at;
    if (pdf[start] === 0x0d) start++;
    if (pdf[start] === 0x0a) start++;
    if (start === at) continue;
    const end = pdf.indexOf(endstreamKeyword, start);
    if (end < 0) return;
    at = end + endstreamKeyword.length;
    const objectStart = pdf.lastIndexOf(objKeyword, keyword);
    const dictionary = pdf.toString("latin1", Math.max(objectStart, keyword - 4096, 0), keyword);
    const stages = flateStages(dictionary);
    if (stages > 0) yield { start, end, stages };
  }
}

function flateStages(dictionary: string): number {
  const filter = /\/Filter\s*(\/[A-Za-z0-9]+|\[([^\]]*)\])/.exec(dictionary);
  if (!filter) return 0;
  const names = (filter[2] ?? filter[1]!).match(/\/[A-Za-z0-9]+/g) ?? [];
  const isFlate = (name: string) => name === "/FlateDecode" || name === "/Fl";
  return names.length > 0 && names.every(isFlate) ? names.length : 0;
}

/** Bytes `data` inflates to through `stages` zlib layers, counting up to `limit + 1` and keeping none. */
function inflatedSize(data: Buffer, stages: number, limit: number): Promise<number> {
  return new Promise((resolve) => {
    const layers = Array.from({ length: stages }, () => createInflate());
    let total = 0;
    let settled = false;
    const finish = () => {
      if (settled) return;
      settled = true;
      for (const layer of layers) layer.destroy();
      resolve(total);
    };
    for (let index = 0; index + 1 < layers.length; index++) layers[index]!.pipe(layers[index + 1]!);
    const last = layers.at(-1)!;
    last.on("data", (chunk: Buffer) => {
      total += chunk.length;
      if (total > limit) finish();
    });
    last.on("end", finish);
    // Corrupt data ends the count where it broke, as pdf.js stops decoding there too.
    for (const layer of layers) layer.on("error", finish);
    layers[0]!.end(data);
  });
}
