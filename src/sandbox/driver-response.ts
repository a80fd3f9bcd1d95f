import type { DriverFrame } from "./driver-frames.js";

/** Bytes per pixel of the raw layouts the driver sends. */
export const rawChannels = { L: 1, RGB: 3, RGBA: 4 } as const;
export type RawMode = keyof typeof rawChannels;

/**
 * An image the code produced. `raw`: pixels made in Python (shown images, arrays, figures), rows
 * top to bottom, `channels` bytes per pixel, for the host to encode. `encoded`: an image file the
 * code saved, passed on as it is (the host still re-reads it before trusting it).
 */
export type ReturnedImage =
  | { kind: "raw"; source: string; width: number; height: number; channels: 1 | 3 | 4; bytes: Uint8Array }
  | { kind: "encoded"; source: string; bytes: Uint8Array };

/** What the driver answers for one call (see driver.py). */
export interface DriverResponse {
  stdout: string;
  stderr: string;
  stdoutDropped: number;
  stderrDropped: number;
  result?: string | null;
  error?: string;
  images: ReturnedImage[];
  notes: string[];
}

/**
 * Reads one call's answer from a driver frame, checking every image description against the
 * payload: the driver runs next to untrusted code, which can switch off the driver's own checks
 * (its CONFIG is a module global), so nothing it says is taken on faith. Raw images over
 * `maxImagePixels` are dropped with a note before anything decodes them (image files are checked
 * the same way when they are read, in the python tool). Throws when the frame does not add up.
 */
export function readDriverResponse(frame: DriverFrame, maxImagePixels: number): DriverResponse {
  const header = frame.header as Partial<Omit<DriverResponse, "images">> & { images?: unknown };
  const descriptions = Array.isArray(header.images) ? (header.images as Record<string, unknown>[]) : [];
  const images: ReturnedImage[] = [];
  const refused: string[] = [];
  let offset = 0;
  for (const description of descriptions) {
    const length = description.length;
    const source = typeof description.source === "string" ? description.source : "unknown";
    if (
      !Number.isSafeInteger(length) ||
      (length as number) < 0 ||
      offset + (length as number) > frame.payload.length
    )
      throw new Error(`image ${images.length + 1} does not fit in the payload`);
    const bytes = frame.payload.subarray(offset, offset + (length as number));
    offset += length as number;
    if (description.kind === "encoded") {
      images.push({ kind: "encoded", source, bytes });
      continue;
    }
    const { mode, width, height } = description;
    const channels = rawChannels[mode as RawMode];
    if (
      description.kind !== "raw" ||
      !channels ||
      !Number.isSafeInteger(width) ||
      !Number.isSafeInteger(height) ||
      (width as number) < 1 ||
      (height as number) < 1 ||
      (width as number) * (height as number) * channels !== bytes.length
    )
      throw new Error(`image ${images.length + 1} is described wrongly`);
    if ((width as number) * (height as number) > maxImagePixels) {
      refused.push(tooManyPixels(source, width as number, height as number, maxImagePixels));
      continue;
    }
    images.push({ kind: "raw", source, width: width as number, height: height as number, channels, bytes });
  }
  if (offset !== frame.payload.length) throw new Error("the payload is longer than its images");
  return {
    stdout: typeof header.stdout === "string" ? header.stdout : "",
    stderr: typeof header.stderr === "string" ? header.stderr : "",
    stdoutDropped: Number(header.stdoutDropped) || 0,
    stderrDropped: Number(header.stderrDropped) || 0,
    result: typeof header.result === "string" ? header.result : null,
    ...(typeof header.error === "string" ? { error: header.error } : {}),
    images,
    notes: capNotes([
      ...(Array.isArray(header.notes) ? header.notes.filter((note) => typeof note === "string") : []),
      ...refused,
    ]),
  };
}

/** Notes kept per call, and characters per note; the driver keeps fewer, but code can forge more. */
export const maxNotes = 10;
export const maxNoteChars = 300;

/**
 * The notes the model is shown: the first `maxNotes`, each cut to `maxNoteChars`, and a count of
 * the rest. The driver already caps its own (driver.py, NOTE_LIMIT), but user code runs in its
 * interpreter and can append to its list.
 */
export function capNotes(notes: readonly string[]): string[] {
  const kept = notes
    .slice(0, maxNotes)
    .map((note) => (note.length > maxNoteChars ? `${note.slice(0, maxNoteChars)} ... [cut]` : note));
  if (notes.length > maxNotes) kept.push(`and ${notes.length - maxNotes} more notes were dropped`);
  return kept;
}

/** The note for an image refused for its size, raw or encoded. */
export function tooManyPixels(source: string, width: number, height: number, maxImagePixels: number): string {
  return `image from ${source} dropped: ${width}x${height} is over ${maxImagePixels} pixels`;
}
