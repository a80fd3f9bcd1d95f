import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ImageSet } from "../core/image-set.js";
import { TRAJECTORY_VERSION, type Trajectory } from "../core/trajectory.js";
import { readTrajectory, TrajectoryFolder } from "./trajectory-folder.js";

function sampleTrajectory(images: ImageSet): Trajectory {
  return {
    version: TRAJECTORY_VERSION,
    id: "run-1",
    createdAt: new Date(0).toISOString(),
    question: "What is written on the sign?",
    inputs: { images: [images.list()[0]!.id] },
    config: {
      model: "m",
      baseUrl: "http://127.0.0.1:1/v1",
      dialect: "native",
      tools: ["crop"],
      sampling: {},
      budgets: {},
    },
    images: images.list().map((ref) => ({ ...ref })),
    messages: [
      {
        role: "user",
        content: [
          { type: "image", imageId: images.list()[0]!.id },
          { type: "text", text: "?" },
        ],
      },
    ],
    steps: [],
    answer: "OPEN",
    stopReason: "answer",
    budgetsUsed: { steps: 1, toolCalls: 0, usage: { promptTokens: 1, completionTokens: 2 }, wallMs: 5 },
  };
}

describe("TrajectoryFolder", () => {
  it("writes trajectory.json with content-addressed images and reads it back", async () => {
    const dir = await mkdtemp(join(tmpdir(), "loupe-run-"));
    const images = new ImageSet();
    const input = images.add(
      new Uint8Array([9, 8, 7]),
      { mime: "image/jpeg", width: 3, height: 1 },
      { kind: "input", source: "a.jpg" },
    );
    const path = await new TrajectoryFolder(dir).write(sampleTrajectory(images), images);
    const onDisk = JSON.parse(await readFile(path, "utf8"));
    expect(onDisk.images[0].file).toBe(`images/${input.id}.jpg`);

    const { trajectory, images: loaded } = await readTrajectory(dir, { loadImages: true });
    expect(trajectory.answer).toBe("OPEN");
    expect([...loaded.bytes(input.id)]).toEqual([9, 8, 7]);
    expect(loaded.resolve("image_1").id).toBe(input.id);
  });

  it("refuses a file that is not a trajectory, naming the bad fields", async () => {
    const dir = await mkdtemp(join(tmpdir(), "loupe-run-"));
    const file = join(dir, "trajectory.json");
    await writeFile(file, JSON.stringify({ version: 1, id: 5 }));
    await expect(readTrajectory(file)).rejects.toThrow(/not a valid Loupe trajectory[\s\S]*id/);
    await writeFile(file, "{not json");
    await expect(readTrajectory(file)).rejects.toThrow(/Cannot read trajectory/);
  });

  it("refuses a folder it could not write when created, before any run", async () => {
    const dir = await mkdtemp(join(tmpdir(), "loupe-run-"));
    const file = join(dir, "taken");
    await writeFile(file, "x");
    expect(() => new TrajectoryFolder(file)).toThrow(
      /^Cannot use .*taken as the trajectory folder: it is a file, not a folder\.$/,
    );
    expect(() => new TrajectoryFolder("/proc/loupe-run")).toThrow(/is under \/proc, a kernel file system/);
    expect(() => new TrajectoryFolder(join(dir, "new", "run"))).not.toThrow();
  });
});
