/**
 * Decodes page bytes to text with the charset the page declares: the Content-Type header first,
 * then a byte order mark, then (for HTML) a <meta charset> or http-equiv tag near the start.
 * Unknown labels fall back to UTF-8 rather than failing the visit.
 */
export function decodeText(bytes: Uint8Array, contentType: string | undefined, isHtml: boolean): string {
  const label =
    charsetFromContentType(contentType) ??
    charsetFromBom(bytes) ??
    (isHtml ? charsetFromMeta(bytes) : undefined);
  try {
    const decoder = new TextDecoder(label ?? "utf-8");
    if (decoder.encoding === "windows-1252") return decodeWindows1252(bytes);
    return decoder.decode(bytes);
  } catch {
    return new TextDecoder("utf-8").decode(bytes);
  }
}

export function charsetFromContentType(contentType: string | undefined): string | undefined {
  const match = /charset\s*=\s*"?([\w.:-]+)"?/i.exec(contentType ?? "");
  return match?.[1]?.toLowerCase();
}

function charsetFromBom(bytes: Uint8Array): string | undefined {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return "utf-8";
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return "utf-16be";
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return "utf-16le";
  return undefined;
}

function charsetFromMeta(bytes: Uint8Array): string | undefined {
  // The HTML spec prescans the first 1024 bytes; a little more tolerates long <head>s.
  const head = new TextDecoder("latin1").decode(bytes.subarray(0, 4096));
  const direct = /<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)/i.exec(head);
  return direct?.[1]?.toLowerCase();
}

/**
 * WHATWG maps latin1, iso-8859-1, ascii and windows-1252 labels all to windows-1252, but Node 20's
 * TextDecoder decodes them as ISO-8859-1, turning curly quotes, dashes and the euro sign
 * (0x80-0x9F) into control characters. This table restores them.
 */
const windows1252High = [
  0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039, 0x152, 0x8d,
  0x17d, 0x8f, 0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x2dc, 0x2122, 0x161, 0x203a,
  0x153, 0x9d, 0x17e, 0x178,
];

function decodeWindows1252(bytes: Uint8Array): string {
  let text = "";
  for (let start = 0; start < bytes.length; start += 8192) {
    const codes = Array.from(bytes.subarray(start, start + 8192), (byte) =>
      byte >= 0x80 && byte <= 0x9f ? windows1252High[byte - 0x80]! : byte,
    );
    text += String.fromCharCode(...codes);
  }
  return text;
}
