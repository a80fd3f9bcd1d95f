import { ImageSet } from "../../src/core/image-set.js";
import type { RunCheckpoint } from "../../src/core/run-checkpoint.js";
import type { Trajectory } from "../../src/core/trajectory.js";
import { cropCall, modelServer, runWithServer, SnapshotStore } from "../agent/agent-harness.js";

/**
 * A real run: the agent against the scripted model server, two crops then an answer, so the
 * trajectory has steps, observations and three images (the input and two crops). With every
 * checkpoint it saved, in order.
 */
export async function recordRealRun(): Promise<{ run: RunCheckpoint; checkpoints: RunCheckpoint[] }> {
  const server = await modelServer([
    { toolCalls: [cropCall([0, 0, 320, 240], "call_a")] },
    { toolCalls: [cropCall([320, 240, 640, 480], "call_b")] },
    { content: "Red." },
  ]);
  const snapshots = new SnapshotStore();
  const { trajectory, images } = await runWithServer({ server, checkpointStore: snapshots });
  return { run: { trajectory, images }, checkpoints: snapshots.snapshots };
}

/** The same run under another id, time, model... (the images are shared with the original). */
export function variantOf(
  run: RunCheckpoint,
  changes: Partial<Trajectory> & { model?: string; dialect?: string },
): RunCheckpoint {
  const { model, dialect, ...rest } = changes;
  const base = structuredClone(run.trajectory);
  const trajectory: Trajectory = {
    ...base,
    ...rest,
    config: { ...base.config, ...(model ? { model } : {}), ...(dialect ? { dialect } : {}) },
  };
  return { trajectory, images: run.images };
}

/** A run whose only image is new bytes (so no other run shares it). */
export function runWithOwnImage(run: RunCheckpoint, id: string, seed: number): RunCheckpoint {
  const images = new ImageSet();
  const bytes = new Uint8Array([0xff, 0xd8, seed & 0xff, (seed >> 8) & 0xff, 0xff, 0xd9]);
  const ref = images.add(
    bytes,
    { mime: "image/jpeg", width: 1, height: 1 },
    { kind: "input", source: `own-${seed}.jpg` },
  );
  const trajectory: Trajectory = {
    ...structuredClone(run.trajectory),
    id,
    images: [{ ...ref }],
    inputs: { images: [ref.id] },
    steps: [],
    messages: [
      {
        role: "user",
        content: [
          { type: "image", imageId: ref.id },
          { type: "text", text: "?" },
        ],
      },
    ],
  };
  return { trajectory, images };
}
