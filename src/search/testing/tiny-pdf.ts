import { createDeflate } from "node:zlib";

/** A one-page PDF with the given line of text (Helvetica), built by hand with a correct xref table. */
export function tinyPdf(line: string): Uint8Array {
  return pdfWithPages([textStream(line)]);
}

/**
 * A PDF of `pageCount` pages that all show the same line: one shared content stream and font, so
 * 50,000 pages take about 6 MB, as a real "many pages" attack does.
 */
export function manyPagePdf(pageCount: number, line: string): Uint8Array {
  const firstPage = 5;
  const kids = Array.from({ length: pageCount }, (_, index) => `${firstPage + index} 0 R`).join(" ");
  const objects: PdfObject[] = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    `<< /Type /Pages /Kids [${kids}] /Count ${pageCount} >>`,
    textStream(line),
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ...Array.from({ length: pageCount }, () => pageObject(3)),
  ];
  return assemble(objects);
}

/**
 * A two-page PDF: page 1 shows `line`; page 2's content stream is FlateDecode-compressed from
 * `inflatedBytes` zero bytes (zlib shrinks zeros about a thousandfold, so 200 MB of content
 * takes some 200 KB of file) — the shape of a decompression bomb. With `filterByReference` the
 * stream names its filter through an indirect object (`/Filter 8 0 R`), which a scan of the raw
 * file does not resolve but pdf.js does.
 */
export async function inflatingPdf(
  line: string,
  inflatedBytes: number,
  options: { filterByReference?: boolean } = {},
): Promise<Uint8Array> {
  const compressed = await deflatedZeros(inflatedBytes);
  // Objects 1-3, two per page, then the filter array: object 8.
  const filter = options.filterByReference ? "/Filter 8 0 R" : "/Filter /FlateDecode";
  const extra = options.filterByReference ? ["[/FlateDecode]"] : [];
  return pdfWithPages([textStream(line), { dictionary: filter, data: compressed }], extra);
}

type PdfStream = { dictionary: string; data: Uint8Array };
type PdfObject = string | PdfStream;

function textStream(line: string): PdfStream {
  const content = `BT /F1 18 Tf 72 720 Td (${line.replace(/[()\\]/g, "\\$&")}) Tj ET`;
  return { dictionary: "", data: new TextEncoder().encode(content) };
}

function pageObject(contentsObject: number): string {
  return `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents ${contentsObject} 0 R /Resources << /Font << /F1 4 0 R >> >> >>`;
}

/**
 * Objects 1-2 catalog and page tree, 3 the font, then per page its page object and content
 * stream, then the extra objects.
 */
function pdfWithPages(streams: PdfStream[], extra: string[] = []): Uint8Array {
  const pageNumbers = streams.map((_, index) => 4 + index * 2);
  const objects: PdfObject[] = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    `<< /Type /Pages /Kids [${pageNumbers.map((number) => `${number} 0 R`).join(" ")}] /Count ${streams.length} >>`,
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
  ];
  for (const [index, stream] of streams.entries()) {
    objects.push(
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents ${pageNumbers[index]! + 1} 0 R /Resources << /Font << /F1 3 0 R >> >> >>`,
      stream,
    );
  }
  return assemble([...objects, ...extra]);
}

/** Numbers the objects from 1, writes them with an xref table of their byte offsets and a trailer. */
function assemble(objects: PdfObject[]): Uint8Array {
  const encoder = new TextEncoder();
  const parts: Uint8Array[] = [];
  let length = 0;
  const write = (part: string | Uint8Array) => {
    const bytes = typeof part === "string" ? encoder.encode(part) : part;
    parts.push(bytes);
    length += bytes.byteLength;
  };
  write("%PDF-1.4\n");
  const offsets: number[] = [];
  objects.forEach((object, index) => {
    offsets.push(length);
    write(`${index + 1} 0 obj\n`);
    if (typeof object === "string") write(object);
    else {
      write(`<< /Length ${object.data.byteLength} ${object.dictionary} >>\nstream\n`);
      write(object.data);
      write("\nendstream");
    }
    write("\nendobj\n");
  });
  const xrefAt = length;
  const rows = offsets.map((offset) => `${String(offset).padStart(10, "0")} 00000 n \n`).join("");
  write(`xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${rows}`);
  write(`trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xrefAt}\n%%EOF\n`);
  return Buffer.concat(parts);
}

async function deflatedZeros(total: number): Promise<Uint8Array> {
  const deflate = createDeflate({ level: 9 });
  const chunks: Buffer[] = [];
  deflate.on("data", (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<void>((resolve, reject) => {
    deflate.on("end", resolve);
    deflate.on("error", reject);
  });
  const zeros = Buffer.alloc(1024 * 1024);
  for (let written = 0; written < total; written += zeros.length) {
    const piece = total - written >= zeros.length ? zeros : zeros.subarray(0, total - written);
    if (!deflate.write(piece)) await new Promise((resolve) => deflate.once("drain", resolve));
  }
  deflate.end();
  await done;
  return Buffer.concat(chunks);
}
