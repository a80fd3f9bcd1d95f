import { describe, expect, it } from "vitest";
import { capNotes, maxNoteChars, maxNotes, readDriverResponse } from "./driver-response.js";

describe("readDriverResponse", () => {
  const header = { stdout: "hi\n", stderr: "", stdoutDropped: 0, stderrDropped: 0, notes: [] };

  it("splits the payload into raw and encoded images", () => {
    const raw = Buffer.alloc(2 * 3 * 3, 7);
    const file = Buffer.from("PNG bytes");
    const response = readDriverResponse(
      {
        header: {
          ...header,
          images: [
            { kind: "raw", source: "show", mode: "RGB", width: 2, height: 3, length: raw.length },
            { kind: "encoded", source: "file a.png", length: file.length },
          ],
        },
        payload: Buffer.concat([raw, file]),
      },
      100,
    );
    expect(response.stdout).toBe("hi\n");
    expect(response.images).toMatchObject([
      { kind: "raw", width: 2, height: 3, channels: 3 },
      { kind: "encoded", source: "file a.png" },
    ]);
    expect(Buffer.from(response.images[1]!.bytes).toString()).toBe("PNG bytes");
  });

  it("rejects descriptions that do not match the bytes or the limits", () => {
    const raw = Buffer.alloc(12);
    const read =
      (image: Record<string, unknown>, payload = raw) =>
      () =>
        readDriverResponse({ header: { ...header, images: [image] }, payload }, 100);
    const good = { kind: "raw", source: "show", mode: "RGBA", width: 1, height: 3, length: 12 };
    expect(read(good)).not.toThrow();
    expect(read({ ...good, mode: "RGB" })).toThrow(/described wrongly/);
    expect(read({ ...good, mode: "CMYK;weird" })).toThrow(/described wrongly/);
    expect(read({ ...good, length: 13 })).toThrow(/does not fit/);
    expect(read({ ...good, length: 8 })).toThrow();
  });

  it("drops a raw image over the pixel limit with a note, keeping the others", () => {
    const small = { kind: "raw", source: "show", mode: "L", width: 2, height: 2, length: 4 };
    const large = { kind: "raw", source: "figure", mode: "L", width: 1, height: 300, length: 300 };
    const response = readDriverResponse(
      { header: { ...header, images: [large, small] }, payload: Buffer.alloc(304) },
      100,
    );
    expect(response.images).toMatchObject([{ kind: "raw", width: 2, height: 2 }]);
    expect(response.notes).toEqual(["image from figure dropped: 1x300 is over 100 pixels"]);
  });

  it("caps the notes the driver sends, in number and length", () => {
    const notes = Array.from({ length: 1000 }, (_, index) => `${index}:${"x".repeat(10_000)}`);
    const response = readDriverResponse(
      { header: { ...header, images: [], notes }, payload: Buffer.alloc(0) },
      100,
    );
    expect(response.notes).toHaveLength(maxNotes + 1);
    expect(response.notes.at(-1)).toBe(`and ${1000 - maxNotes} more notes were dropped`);
    expect(Math.max(...response.notes.map((note) => note.length))).toBeLessThan(maxNoteChars + 20);
    expect(capNotes(["a", "b"])).toEqual(["a", "b"]);
  });
});
