import { describe, expect, it } from "vitest";
import { type DriverFrame, DriverFrameReader } from "./driver-frames.js";

function frameBytes(header: Record<string, unknown>, payload: Buffer): Buffer {
  return Buffer.concat([
    Buffer.from(`${JSON.stringify({ ...header, payloadBytes: payload.length })}\n`),
    payload,
  ]);
}

function reader(maxFrameBytes = 1 << 20) {
  const frames: DriverFrame[] = [];
  const errors: string[] = [];
  const frameReader = new DriverFrameReader({
    maxFrameBytes,
    onFrame: (frame) => frames.push(frame),
    onError: (reason) => errors.push(reason),
  });
  return { frameReader, frames, errors };
}

describe("DriverFrameReader", () => {
  it("cuts frames out of a stream however it is chunked, payload bytes included", () => {
    // A payload full of newlines: only the header's newline may end a header.
    const payload = Buffer.from("\n\n\x00binary\nbytes\n");
    const stream = Buffer.concat([frameBytes({ id: 1 }, payload), frameBytes({ id: 2 }, Buffer.alloc(0))]);
    for (const size of [1, 3, 7, stream.length]) {
      const { frameReader, frames, errors } = reader();
      for (let offset = 0; offset < stream.length; offset += size)
        frameReader.push(stream.subarray(offset, offset + size));
      expect(errors).toEqual([]);
      expect(frames.map((frame) => frame.header.id)).toEqual([1, 2]);
      expect(frames[0]?.payload.equals(payload)).toBe(true);
      expect(frames[1]?.payload.length).toBe(0);
    }
  });

  it("refuses a frame that announces more than the limit, and stops reading", () => {
    const { frameReader, frames, errors } = reader(100);
    frameReader.push(Buffer.from(`${JSON.stringify({ id: 1, payloadBytes: 1000 })}\n`));
    frameReader.push(frameBytes({ id: 2 }, Buffer.alloc(0)));
    expect(errors).toEqual(["the driver's answer was larger than the limits allow"]);
    expect(frames).toEqual([]);
  });

  it("refuses a header line that never ends within the limit", () => {
    const { frameReader, errors } = reader(100);
    frameReader.push(Buffer.alloc(200, 0x61));
    expect(errors).toHaveLength(1);
  });

  it("reports a header that is not JSON", () => {
    const { frameReader, errors } = reader();
    frameReader.push(Buffer.from("not json\n"));
    expect(errors[0]).toContain("garbled");
  });
});
